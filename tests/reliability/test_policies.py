"""The input, output and worker policies as library functions (``_files``, ``_atomic``, ``_pool``)."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from marsound._atomic import atomic_path, atomic_paths, output_dir, write_text_atomic
from marsound._files import MAX_IMAGE_PIXELS, check_pixels, find_files, regular_file
from marsound._pool import WorkerDied, run_in_processes
from marsound.errors import FileFormatError, InvalidParameterError, OutputError

# ----------------------------------------------------------------------------- inputs


def test_regular_file_accepts_files_and_links_to_files(tmp_path: Path) -> None:
    f = tmp_path / "a.wav"
    f.write_bytes(b"x")
    (tmp_path / "link.wav").symlink_to(f)
    assert regular_file(f) == f
    assert regular_file(tmp_path / "link.wav") == tmp_path / "link.wav"


@pytest.mark.parametrize(
    ("kind", "words"),
    [("missing", "does not exist"), ("folder", "is a folder"), ("fifo", "FIFO"), ("device", "character device"),
     ("dangling", "does not exist"), ("loop", "cannot be read")],
)  # fmt: skip
def test_regular_file_refuses_the_rest_without_opening(tmp_path: Path, kind: str, words: str) -> None:
    p = tmp_path / "x"
    if kind == "folder":
        p.mkdir()
    elif kind == "fifo":
        os.mkfifo(p)  # opening it for reading would block: the test would hang
    elif kind == "device":
        p = Path("/dev/zero")
    elif kind == "dangling":
        p.symlink_to(tmp_path / "nowhere")
    elif kind == "loop":
        p.symlink_to(tmp_path / "y")
        (tmp_path / "y").symlink_to(p)
    with pytest.raises(FileFormatError, match=words):
        regular_file(p, "input")


def test_pixel_budget() -> None:
    check_pixels(8000, 6000, "photo")
    with pytest.raises(FileFormatError, match="pixels"):
        check_pixels(30_000, 30_000, "huge")
    with pytest.raises(FileFormatError, match="invalid dimensions"):
        check_pixels(0, 10, "empty")
    assert MAX_IMAGE_PIXELS >= 1200 * 960  # the real parachute frame fits


def test_find_files_does_not_follow_folder_links(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.wav", "a/b/y.WAV", "a/b/z.txt"):
        (tmp_path / name).write_bytes(b"")
    for k in range(3):  # three loops per level: 3**40 paths if followed
        (tmp_path / "a" / "b" / f"up{k}").symlink_to("..")
    (tmp_path / "a" / "alias.wav").symlink_to(tmp_path / "a" / "x.wav")  # the same file twice
    os.mkfifo(tmp_path / "a" / "pipe.wav")
    want = [tmp_path / "a" / "b" / "y.WAV", tmp_path / "a" / "x.wav"]
    assert find_files(tmp_path, (".wav",)) == want
    assert find_files(f"{tmp_path}/**/*.wav", (".wav",)) == [tmp_path / "a" / "x.wav"]
    assert find_files(f"{tmp_path}/**/*.[wW][aA][vV]", (".wav",)) == want


# ----------------------------------------------------------------------------- outputs


def test_atomic_output_honours_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_atomic_paths_commit_all_or_none(tmp_path: Path) -> None:
    with atomic_paths([tmp_path / "a.wav", tmp_path / "a.wav.json"]) as (t1, t2):
        t1.write_text("audio")
        t2.write_text("sidecar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "a.wav.json"]
    # the second rename fails (a folder appears where the sidecar goes): the first is taken back
    target = tmp_path / "b.wav"
    with pytest.raises(OutputError), atomic_paths([target, tmp_path / "b.wav.json"]) as (t1, t2):
        t1.write_text("audio")
        t2.write_text("sidecar")
        (tmp_path / "b.wav.json").mkdir()
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.wav", "a.wav.json", "b.wav.json"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_path_removes_the_temporary_on_any_exception(tmp_path: Path, exc: BaseException) -> None:
    with pytest.raises(type(exc)), atomic_path(tmp_path / "o.png") as tmp:
        tmp.write_text("partial")
        raise exc
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "words"),
    [("/proc/marsound-test/o.png", "cannot create output folder"), ("{d}/f/o.png", "a file is in the way"),
     ("{d}/dir", "a folder is in the way"), ("{d}/" + "x" * 300 + ".png", "too long")],
)  # fmt: skip
def test_unwritable_outputs_raise_output_error(tmp_path: Path, target: str, words: str) -> None:
    (tmp_path / "f").write_text("")
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match=words), atomic_path(target.format(d=tmp_path)) as tmp:
        tmp.write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "f"]


def test_output_dir(tmp_path: Path) -> None:
    assert output_dir(tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="a file is in the way"):
        output_dir(tmp_path / "file")


def test_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "in.wav"
    f.write_text("keep")
    with pytest.raises(InvalidParameterError, match="same as input"), atomic_path(f, inputs=(f,)):
        pass
    assert f.read_text() == "keep"


# ----------------------------------------------------------------------------- workers


def _double_or_die(x: int) -> int:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
    if x == 5:
        raise ValueError("bad item")
    return 2 * x


def test_a_worker_crash_fails_only_its_item() -> None:
    results: dict[int, object] = {}

    def done(i: int, res: object, exc: BaseException | None) -> None:
        assert i not in results, "reported twice"
        results[i] = exc if exc is not None else res

    run_in_processes(_double_or_die, list(range(8)), max_workers=2, on_result=done)
    assert sorted(results) == list(range(8))
    assert isinstance(results[3], WorkerDied)
    assert isinstance(results[5], ValueError)
    assert {i: results[i] for i in (0, 1, 2, 4, 6, 7)} == {0: 0, 1: 2, 2: 4, 4: 8, 6: 12, 7: 14}


# ----------------------------------------------------------------------------- outputs, end to end


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("render {h}/good.wav {out}/o.wav -d 5", id="render"),
        pytest.param("physics -f 100 --plot {out}/p.png", id="physics-plot"),
        pytest.param("chute encode --ring A -o {out}/c.svg", id="chute-encode"),
        pytest.param("analyze {h}/good.wav -o {out}/a", id="analyze"),
    ],
)  # fmt: skip
def test_cli_outputs_honour_the_umask(hostile: Path, tmp_path: Path, capsys, command: str) -> None:
    from marsound.cli.main import main

    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        assert main(command.format(h=hostile, out=out).split()) == 0, capsys.readouterr().err
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o644)}
