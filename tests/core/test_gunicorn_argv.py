"""How `vigil serve --production` starts gunicorn: sync workers unless threads are asked for."""

from gunicorn.config import Config

from vigil.core.commands import KEEP_ALIVE_SECONDS, gunicorn_argv


def _config(argv: list[str]) -> Config:
    # gunicorn's own parser reads the line, as `python -m gunicorn` would.
    cfg = Config()
    args = cfg.parser().parse_args(argv[3:])
    for key, value in vars(args).items():
        if key != "args" and value is not None:
            cfg.set(key.lower(), value)
    return cfg


def test_by_default_sync_workers_each_take_a_connection_only_when_free():
    cfg = _config(gunicorn_argv("127.0.0.1:8000", 0, 1))
    assert cfg.worker_class_str == "sync"
    assert cfg.workers >= 3
    assert cfg.timeout == 60


def test_threads_ask_for_threaded_workers_that_outlive_the_proxys_keep_alive():
    cfg = _config(gunicorn_argv("127.0.0.1:8000", 3, 4))
    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads) == (3, 4)
    assert cfg.keepalive == KEEP_ALIVE_SECONDS > 60
