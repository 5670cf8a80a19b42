"""Whatever bytes arrive, the SSB parsers answer with data or an InputError, never a traceback."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, FORMATS, SAMPLE_99999
from tilstand import ingest
from tilstand.errors import InputError
from tilstand.ingest import ssb

JSON_SAMPLE = (FORMATS / "ssb_barnevern_sample.json").read_bytes()
CSV_SAMPLE = (DATA / "ssb_12286_excel_cp1252.csv").read_bytes()


def _parse(data: bytes) -> None:
    try:
        ssb.parse_file(data, "fuzz.dat", SAMPLE_99999)
    except InputError as e:
        assert e.file == "fuzz.dat" and e.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data):
    _parse(data)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(JSON_SAMPLE)), st.integers(0, len(CSV_SAMPLE)))
def test_truncated_files_never_crash(n_json, n_csv):
    _parse(JSON_SAMPLE[:n_json])
    try:
        ssb.parse_file(CSV_SAMPLE[:n_csv], "fuzz.csv")
    except InputError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(CSV_SAMPLE) - 1), st.binary(min_size=1, max_size=4))
def test_corrupted_bytes_in_a_csv_never_crash(at, junk):
    try:
        ssb.parse_file(CSV_SAMPLE[:at] + junk + CSV_SAMPLE[at + len(junk) :], "fuzz.csv")
    except InputError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(JSON_SAMPLE) - 1), st.sampled_from([b'"', b"{", b"]", b"null", b"-1e999", b"\xff"]))
def test_corrupted_json_never_crashes(at, junk):
    _parse(JSON_SAMPLE[:at] + junk + JSON_SAMPLE[at + len(junk) :])


def test_a_large_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    f = tmp_path / "stor.csv"
    f.write_bytes(CSV_SAMPLE * 10)
    try:
        ingest.read(f)
    except InputError as e:
        assert "MB" in e.message or "største" in e.message
    else:
        raise AssertionError("a file over the limit was read")


def test_a_50_mb_file_of_repeated_rows_is_read_or_refused_in_norwegian_never_a_traceback(tmp_path):
    """Real size, no monkeypatching: 50 MB of an SSB CSV's data lines repeated under its header."""
    header, _, body = CSV_SAMPLE.partition(b"\n")
    f = tmp_path / "femti_mb.csv"
    with f.open("wb") as out:
        out.write(header + b"\n")
        while out.tell() < 50 * 1024 * 1024:
            out.write(body)
    try:
        ingest.read(f)
    except InputError as e:
        assert e.file == "femti_mb.csv" and e.message
