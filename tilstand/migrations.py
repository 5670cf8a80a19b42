"""Forward-only schema migrations. Append a new entry; never edit one that has shipped."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema: regions, catalogue, observations, provenance",
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE region (
            code VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,          -- municipality | county | country | kostra_group | district
            county_code VARCHAR,
            network VARCHAR,                -- learning network (peer region) in Trøndelag
            valid_from INTEGER,             -- first year the code is valid
            valid_to INTEGER,
            boundary_from INTEGER,          -- first year of today's boundaries, after a merger or split
            source VARCHAR
        );
        CREATE TABLE kostra_membership (
            region_code VARCHAR NOT NULL,
            group_code VARCHAR NOT NULL,
            valid_from INTEGER NOT NULL,
            valid_to INTEGER,
            source VARCHAR,
            PRIMARY KEY (region_code, valid_from)
        );
        CREATE TABLE service (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, host_code VARCHAR NOT NULL,
                              source VARCHAR);
        CREATE TABLE service_member (service_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL,
                                     PRIMARY KEY (service_id, region_code));
        CREATE TABLE indicator (
            id VARCHAR PRIMARY KEY, name_nb VARCHAR NOT NULL, name_nn VARCHAR NOT NULL, name_en VARCHAR,
            area VARCHAR NOT NULL, unit VARCHAR NOT NULL, better VARCHAR NOT NULL, origin VARCHAR NOT NULL,
            source VARCHAR, levels VARCHAR, min_count INTEGER NOT NULL DEFAULT 0, count_indicator VARCHAR,
            shown BOOLEAN NOT NULL DEFAULT TRUE, confidence VARCHAR, definition VARCHAR
        );
        CREATE SEQUENCE import_id_seq START 1;
        CREATE TABLE import_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('import_id_seq'),
            source VARCHAR NOT NULL,        -- ssb_jsonstat | ssb_csv | ...
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            ssb_table VARCHAR,
            rows INTEGER NOT NULL,          -- observations in the file
            changed INTEGER NOT NULL,       -- observations inserted or changed
            sample BOOLEAN NOT NULL,        -- Eksempeldata: synthetic numbers
            imported_at TIMESTAMP NOT NULL,
            imported_by VARCHAR NOT NULL
        );
        CREATE TABLE observation (
            indicator_id VARCHAR NOT NULL,
            region_code VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            value DOUBLE,                   -- NULL when status carries an SSB symbol
            status VARCHAR,                 -- SSB symbols: '.', '..', '...', ':', '-'; NULL for a plain value
            import_id INTEGER NOT NULL,
            PRIMARY KEY (indicator_id, region_code, year)
        );
        -- The only way numbers leave the store (see tilstand/privacy.py): counts of children from 1 up
        -- to the indicator's min_count are hidden (status 'x'), SSB's ':' stays ':', and a rate whose
        -- count (indicator.count_indicator) is hidden is hidden with it. The macro takes the regions and
        -- years wanted (NULL regions: all) so the rule runs on those rows only, not the whole table.
        CREATE MACRO observation_public_in(regions, year_from, year_to) AS TABLE
        WITH flagged AS (
            SELECT o.indicator_id, o.region_code, o.year, o.value, o.status, o.import_id,
                   i.count_indicator,
                   (o.status = ':' OR (i.min_count > 0 AND o.value >= 1 AND o.value <= i.min_count)) AS hidden
            FROM observation o JOIN indicator i ON i.id = o.indicator_id
            WHERE (regions IS NULL OR list_contains(regions, o.region_code))
              AND o.year BETWEEN year_from AND year_to
        )
        SELECT f.indicator_id, f.region_code, f.year,
               CASE WHEN f.hidden OR coalesce(c.hidden, FALSE) THEN NULL ELSE f.value END AS value,
               CASE WHEN f.status = ':' THEN ':'
                    WHEN f.hidden OR coalesce(c.hidden, FALSE) THEN 'x'
                    ELSE f.status END AS status,
               f.import_id
        FROM flagged f
        LEFT JOIN flagged c ON c.indicator_id = f.count_indicator AND c.region_code = f.region_code
                           AND c.year = f.year;
        CREATE VIEW observation_public AS
        SELECT * FROM observation_public_in(NULL::VARCHAR[], -1, 99999);
        """,
    ),
]

MIGRATIONS.append(
    (
        2,
        "reports, chapters and every saved version of a chapter's text",
        """
    CREATE SEQUENCE report_id_seq START 1;
    CREATE TABLE report (
        id INTEGER PRIMARY KEY DEFAULT nextval('report_id_seq'),
        region_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        language VARCHAR NOT NULL,      -- nb | nn
        state VARCHAR NOT NULL DEFAULT 'draft',
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        carried_from INTEGER,           -- the report whose text this one started from
        UNIQUE (region_code, year, language)
    );
    CREATE SEQUENCE section_id_seq START 1;
    CREATE TABLE section (
        id INTEGER PRIMARY KEY DEFAULT nextval('section_id_seq'),
        report_id INTEGER NOT NULL,
        key VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        level INTEGER NOT NULL DEFAULT 1,
        indicators VARCHAR NOT NULL DEFAULT '',
        hidden BOOLEAN NOT NULL DEFAULT FALSE,
        status VARCHAR NOT NULL DEFAULT 'empty',   -- empty | draft | written
        UNIQUE (report_id, key)
    );
    CREATE TABLE section_version (
        section_id INTEGER NOT NULL,
        n INTEGER NOT NULL,              -- 1, 2, 3 … per section; 0 = nothing saved yet
        body VARCHAR NOT NULL,
        author VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        note VARCHAR,                    -- e.g. 'gjenopprettet fra versjon 3', 'overført fra 2023'
        carried_over BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (section_id, n)
    );
    """,
    )
)

MIGRATIONS.append(
    (
        3,
        "users, roles per region, audit log, review comments, report states and published snapshots",
        """
    CREATE SEQUENCE user_id_seq START 1;
    CREATE TABLE app_user (
        id INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
        username VARCHAR NOT NULL UNIQUE,     -- lower case; for single sign-on the e-mail address
        display_name VARCHAR NOT NULL,
        password_hash VARCHAR,                -- argon2id; NULL for users who only sign in with SSO
        oidc_subject VARCHAR,                 -- the identity provider's 'sub', bound on first SSO sign-in
        email VARCHAR,
        disabled BOOLEAN NOT NULL DEFAULT FALSE,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TIMESTAMP,
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        last_sign_in TIMESTAMP
    );
    CREATE TABLE role_grant (
        user_id INTEGER NOT NULL,
        region_code VARCHAR NOT NULL,          -- a municipality, an intermunicipal service id, or '*'
        role VARCHAR NOT NULL,                 -- admin | leder | saksordforer | lesar
        granted_at TIMESTAMP NOT NULL,
        granted_by VARCHAR NOT NULL,
        PRIMARY KEY (user_id, region_code, role)
    );
    CREATE SEQUENCE audit_id_seq START 1;
    CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
        logged_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        action VARCHAR NOT NULL,               -- sign_in | sign_in_failed | save_text | import | publish | …
        region_code VARCHAR,
        target VARCHAR,                        -- e.g. 'section:12', 'report:3', 'user:anne'
        detail VARCHAR,
        allowed BOOLEAN NOT NULL DEFAULT TRUE  -- FALSE: a refused attempt
    );
    CREATE SEQUENCE comment_id_seq START 1;
    CREATE TABLE review_comment (
        id INTEGER PRIMARY KEY DEFAULT nextval('comment_id_seq'),
        report_id INTEGER NOT NULL,
        section_id INTEGER NOT NULL,
        chart_id VARCHAR,                      -- NULL: about the chapter; else about one chart
        parent_id INTEGER,                     -- an answer to another comment
        author VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        resolved_at TIMESTAMP,
        resolved_by VARCHAR
    );
    CREATE TABLE section_review (
        section_id INTEGER PRIMARY KEY,
        reviewed_at TIMESTAMP NOT NULL,
        reviewed_by VARCHAR NOT NULL,
        version INTEGER NOT NULL               -- the text version that was reviewed
    );
    CREATE TABLE report_state_log (
        report_id INTEGER NOT NULL,
        state VARCHAR NOT NULL,                -- draft | review | done | published
        changed_at TIMESTAMP NOT NULL,
        by_user VARCHAR NOT NULL
    );
    CREATE SEQUENCE publication_id_seq START 1;
    CREATE TABLE publication (
        id INTEGER PRIMARY KEY DEFAULT nextval('publication_id_seq'),
        report_id INTEGER NOT NULL,
        region_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        language VARCHAR NOT NULL,
        published_at TIMESTAMP NOT NULL,
        published_by VARCHAR NOT NULL,
        snapshot JSON NOT NULL,                -- chapters, key figures, chart figures, definitions as given
        docx BLOB NOT NULL,                    -- the document exactly as the council received it
        pdf BLOB                               -- NULL when LibreOffice was not available at publishing
    );
    """,
    )
)

MIGRATIONS.append(
    (
        4,
        "browser sessions for built-in accounts (only a hash of the token is stored)",
        """
    CREATE TABLE auth_session (
        token_hash VARCHAR PRIMARY KEY,        -- sha256 of the cookie value
        username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL
    );
    """,
    )
)

MIGRATIONS.append(
    (
        5,
        "what each import changed, so an import can be undone",
        """
    CREATE TABLE import_change (
        import_id INTEGER NOT NULL,
        indicator_id VARCHAR NOT NULL,
        region_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        old_value DOUBLE,
        old_status VARCHAR,
        old_import_id INTEGER,
        existed BOOLEAN NOT NULL,              -- FALSE: the import added this value (undo deletes it)
        PRIMARY KEY (import_id, indicator_id, region_code, year)
    );
    ALTER TABLE import_log ADD COLUMN undone_at TIMESTAMP;
    ALTER TABLE import_log ADD COLUMN undone_by VARCHAR;
    """,
    )
)

MIGRATIONS.append(
    (
        6,
        "a value stored hidden ('x', e.g. 10-FAKTOR under the anonymity limit) also hides what is built on it",
        """
        CREATE OR REPLACE MACRO observation_public_in(regions, year_from, year_to) AS TABLE
        WITH flagged AS (
            SELECT o.indicator_id, o.region_code, o.year, o.value, o.status, o.import_id,
                   i.count_indicator,
                   (o.status IN (':', 'x') OR (i.min_count > 0 AND o.value >= 1 AND o.value <= i.min_count)) AS hidden
            FROM observation o JOIN indicator i ON i.id = o.indicator_id
            WHERE (regions IS NULL OR list_contains(regions, o.region_code))
              AND o.year BETWEEN year_from AND year_to
        )
        SELECT f.indicator_id, f.region_code, f.year,
               CASE WHEN f.hidden OR coalesce(c.hidden, FALSE) THEN NULL ELSE f.value END AS value,
               CASE WHEN f.status = ':' THEN ':'
                    WHEN f.hidden OR coalesce(c.hidden, FALSE) THEN 'x'
                    ELSE f.status END AS status,
               f.import_id
        FROM flagged f
        LEFT JOIN flagged c ON c.indicator_id = f.count_indicator AND c.region_code = f.region_code
                           AND c.year = f.year;
    """,
    )
)

MIGRATIONS.append(
    (
        7,
        "the peer municipalities a leader compares against, saved with the municipality's report year",
        """
    CREATE TABLE peer_set (
        region_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        peers VARCHAR[] NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        updated_by VARCHAR NOT NULL,
        PRIMARY KEY (region_code, year)
    );
    """,
    )
)

MIGRATIONS.append(
    (
        8,
        "what may not be shown, decided for all numbers of a year together (tilstand/suppression.py)",
        """
    CREATE TABLE suppression (
        indicator_id VARCHAR NOT NULL,
        region_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        rule VARCHAR NOT NULL,          -- primary | complement | ratio | group | comparison (never shown)
        PRIMARY KEY (indicator_id, region_code, year)
    );
    -- The cell-by-cell rule stays as a floor (a small count is hidden even before suppression.refresh has
    -- run), and every cell the suppression table lists is hidden as well, with the same status 'x'.
    CREATE OR REPLACE MACRO observation_public_in(regions, year_from, year_to) AS TABLE
    WITH flagged AS (
        SELECT o.indicator_id, o.region_code, o.year, o.value, o.status, o.import_id,
               i.count_indicator,
               (o.status IN (':', 'x') OR (i.min_count > 0 AND o.value >= 1 AND o.value <= i.min_count)) AS hidden
        FROM observation o JOIN indicator i ON i.id = o.indicator_id
        WHERE (regions IS NULL OR list_contains(regions, o.region_code))
          AND o.year BETWEEN year_from AND year_to
    )
    SELECT f.indicator_id, f.region_code, f.year,
           CASE WHEN f.hidden OR coalesce(c.hidden, FALSE) OR s.rule IS NOT NULL THEN NULL ELSE f.value END AS value,
           CASE WHEN f.status = ':' THEN ':'
                WHEN f.hidden OR coalesce(c.hidden, FALSE) OR s.rule IS NOT NULL THEN 'x'
                ELSE f.status END AS status,
           f.import_id
    FROM flagged f
    LEFT JOIN flagged c ON c.indicator_id = f.count_indicator AND c.region_code = f.region_code
                       AND c.year = f.year
    LEFT JOIN suppression s ON s.indicator_id = f.indicator_id AND s.region_code = f.region_code
                           AND s.year = f.year;
    """,
    )
)

MIGRATIONS.append(
    (
        9,
        "failed sign-ins counted per client address (keyed hashes only), not per account alone",
        """
    CREATE TABLE sign_in_failure (
        failed_at TIMESTAMP NOT NULL,
        address_key VARCHAR NOT NULL,          -- keyed hash of the client address, never the address
        account_key VARCHAR NOT NULL           -- 'user:<id>', or 'name:' + 16-bit keyed hash of an unknown name
    );
    -- The per-account lock it replaces let anyone lock anyone out; its state no longer counts.
    UPDATE app_user SET failed_attempts = 0, locked_until = NULL;
    """,
    )
)

MIGRATIONS.append(
    (
        10,
        "Bufdir's «..» (hidden or missing, status 'x..') is hidden like 'x' and keeps its own status in the public view",
        """
    CREATE OR REPLACE MACRO observation_public_in(regions, year_from, year_to) AS TABLE
    WITH flagged AS (
        SELECT o.indicator_id, o.region_code, o.year, o.value, o.status, o.import_id,
               i.count_indicator,
               (o.status IN (':', 'x', 'x..') OR (i.min_count > 0 AND o.value >= 1 AND o.value <= i.min_count))
                   AS hidden
        FROM observation o JOIN indicator i ON i.id = o.indicator_id
        WHERE (regions IS NULL OR list_contains(regions, o.region_code))
          AND o.year BETWEEN year_from AND year_to
    )
    SELECT f.indicator_id, f.region_code, f.year,
           CASE WHEN f.hidden OR coalesce(c.hidden, FALSE) OR s.rule IS NOT NULL THEN NULL ELSE f.value END AS value,
           CASE WHEN f.status IN (':', 'x..') THEN f.status  -- the source's own mark says more than ours
                WHEN f.hidden OR coalesce(c.hidden, FALSE) OR s.rule IS NOT NULL THEN 'x'
                ELSE f.status END AS status,
           f.import_id
    FROM flagged f
    LEFT JOIN flagged c ON c.indicator_id = f.count_indicator AND c.region_code = f.region_code
                       AND c.year = f.year
    LEFT JOIN suppression s ON s.indicator_id = f.indicator_id AND s.region_code = f.region_code
                           AND s.year = f.year;
    """,
    )
)

LATEST = MIGRATIONS[-1][0]
