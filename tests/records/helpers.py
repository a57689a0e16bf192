"""A small JSON API client for the records tests."""
from __future__ import annotations

from webapp import create_app
from workflow import directory


class Api:
    def __init__(self, ctx, make):
        self.ctx, self.make = ctx, make
        app = create_app(context=ctx)
        app.config["TESTING"] = True
        self.client = app.test_client()
        self._tokens = {}

    def headers(self, user_id):
        if user_id not in self._tokens:
            self._tokens[user_id] = directory.create_token(self.ctx, self.make.username(user_id))
        return {"Authorization": f"Bearer {self._tokens[user_id]}"}

    def get(self, user_id, url, **kw):
        return self.client.get(url, headers=self.headers(user_id), **kw)

    def post(self, user_id, url, **kw):
        return self.client.post(url, headers=self.headers(user_id), **kw)
