"""Run the app under gunicorn, a production WSGI server; the scheduler runs in the master."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from workflow.config import Settings


def wsgi_app():
    """Entry point for `gunicorn 'webapp.server:wsgi_app()'` in production."""
    from . import create_app
    return create_app(Settings.load())


class _Server(BaseApplication):
    def __init__(self, settings: Settings, options: dict, scheduler: bool):
        self.settings = settings
        self.options = options
        self.with_scheduler = scheduler
        self._scheduler = None
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if self.with_scheduler:
            self.cfg.set("when_ready", self._start_scheduler)

    def _start_scheduler(self, arbiter):
        # One scheduler per database: started only if this process wins the lock.
        from notifications.scheduler import start_in_process_if_leader
        from workflow.context import Context
        self._scheduler = start_in_process_if_leader(Context.from_settings(self.settings))

    def load(self):
        from . import create_app
        return create_app(self.settings)


def run(settings: Settings, *, host: str, port: int, workers: int, scheduler: bool) -> None:
    options = {"bind": f"{host}:{port}", "workers": max(1, workers), "threads": 4,
               "accesslog": "-", "timeout": 120, "graceful_timeout": 20}
    _Server(settings, options, scheduler).run()
