"""The floor of the benchmark: a Flask view on gunicorn that asks Elasticsearch, and nothing else.

`POST /<alias>/_search` forwards the request's body, as it came, to the same Elasticsearch
on the same lean connection the API uses (marketplace/search/http.py) and returns the
answer's bytes untouched: no validation, no authentication, no ranking reasons, no JSON
decoded or encoded. Served by the same gunicorn settings as the API, in the same run, its
p50 is the least that any Python web API in front of Elasticsearch costs on this machine
(HTTP through gunicorn, Flask's request handling, one more hop to the node); `run.py`
reports it next to the API and the raw query so that the API's own share can be read off.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request

from marketplace.search.http import SearchHTTP

app = Flask(__name__)
_elasticsearch = SearchHTTP(os.environ["ELASTICSEARCH_URL"], timeout=10)


@app.post("/<alias>/_search")
def search(alias: str) -> Response:
    status, data = _elasticsearch.post_bytes(f"/{alias}/_search", request.get_data())
    return Response(data, status=status, mimetype="application/json")
