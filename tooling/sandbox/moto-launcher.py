"""Starts moto's server (`moto_server -H <host> -p <port>`, moto.server.main) for the sandbox.

One change, which alters nothing moto answers: moto's request dispatcher asks, for every request,
whether the request's host names one of moto's own packages (moto/moto_server/werkzeug_app.py,
get_backend_for_host), and `moto.backends.list_of_moto_modules` answers by listing moto's package
directory and stat-ing its ~170 entries each time, under the dispatcher's global lock. The package
directory does not change while the server runs, so the list is taken once, here, at start. Measured
with moto 5.2.1 (600 S3 ListBuckets / STS GetCallerIdentity requests): 4.8-5.2 ms of moto's CPU per
request through `moto_server`, 3.0 ms through this launcher (docs/sandbox.md). If a moto release no
longer has that function, moto runs unchanged.
"""
import sys

try:
    from moto import backends

    _MODULES = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: _MODULES
except (ImportError, AttributeError):
    pass

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
