"""Starts moto's server (`moto_server -H <host> -p <port>`, moto.server.main) for the sandbox.

It first takes, once, what moto would otherwise work out again for every request or every model: each
change below alters nothing moto answers, only when the work is done (docs/sandbox.md "How moto
starts"). Measured with moto 5.2.1 (docs/performance.md, issue #27's seventh and eighth rounds). If a
moto release no longer has what a change replaces, that change is skipped and moto runs unchanged.

1. The list of moto's packages: for every request, the dispatcher asks whether the request's host
   names one of them (moto/moto_server/werkzeug_app.py, get_backend_for_host), and
   `moto.backends.list_of_moto_modules` answers by listing moto's package directory and stat-ing its
   ~170 entries each time, under the dispatcher's global lock. 4.8-5.2 ms of moto's CPU per simple
   request through `moto_server`, 3.0 ms with this change.
2. The backend a host name maps to: the same function then tries moto's ~180 URL patterns in turn.
   Only hosts that match are remembered, so an unknown host still gets moto's own warning.
3. The names of a response class's methods: `BaseResponse.call_action` lists them
   (`inspect.getmembers` over every attribute) for every request it dispatches. With 2: 3.0 -> 2.7 ms.
4. One botocore loader: moto builds a new `Loader` for every service and paginator model it loads
   (moto.core.utils._load_service_model), and each lists and stats botocore's whole data directory
   again (about 36 ms). One loader keeps that listing, as one botocore Session does: 0.43 s less CPU
   per moto process for seven services.
5. KMS keys' RSA key pair when first used: moto gives every key it creates, SYMMETRIC_DEFAULT
   included, a 2048-bit RSA private key (moto.kms.utils.generate_private_key's fallback), which only
   Sign, Verify and GetPublicKey of an RSA key use: about 74 ms of CPU per CreateKey. The key size is
   still validated at creation, and the pair is drawn at random on first use, as moto would have.
"""
import sys
import threading

try:
    from moto import backends

    _MODULES = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: _MODULES
except (ImportError, AttributeError):
    pass

try:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    _backend_for_host = DomainDispatcherApplication.get_backend_for_host
    _HOSTS = {}

    def _remembered_backend_for_host(self, host):
        backend = _HOSTS.get(host)
        if backend is None:
            backend = _backend_for_host(self, host)
            if backend is not None and len(_HOSTS) < 4096:
                _HOSTS[host] = backend
        return backend

    DomainDispatcherApplication.get_backend_for_host = _remembered_backend_for_host
except (ImportError, AttributeError):
    pass

try:
    from moto.core import responses

    _method_names = responses.method_names_from_class
    _NAMES = {}

    def _remembered_method_names(clazz):
        names = _NAMES.get(clazz)
        if names is None:
            names = _NAMES[clazz] = tuple(_method_names(clazz))
        return names

    responses.method_names_from_class = _remembered_method_names
except (ImportError, AttributeError):
    pass

try:
    from moto.core import loaders, utils

    _LOADER = []
    _LOADER_LOCK = threading.Lock()

    def _shared_loader():
        with _LOADER_LOCK:
            if not _LOADER:
                _LOADER.append(loaders.Loader(extra_search_paths=[loaders.moto_root]))
            return _LOADER[0]

    if callable(utils.create_loader):
        utils.create_loader = _shared_loader
except (ImportError, AttributeError):
    pass

try:
    from moto.kms import utils as kms_utils

    _RSA = kms_utils.RSAPrivateKey
    _SIZES = _RSA._RSAPrivateKey__supported_key_sizes
    _rsa_init = _RSA.__init__
    _KEY_LOCK = threading.Lock()

    def _validated_only(self, key_size):
        if key_size not in _SIZES:
            return _rsa_init(self, key_size)  # raises moto's own ValidationException
        self.key_size = key_size

    def _private_key(self):
        key = self.__dict__.get("_private_key")
        if key is None:
            with _KEY_LOCK:
                key = self.__dict__.get("_private_key")
                if key is None:
                    key = self.__dict__["_private_key"] = kms_utils.rsa.generate_private_key(public_exponent=65537, key_size=self.key_size)
        return key

    def _set_private_key(self, value):
        self.__dict__["_private_key"] = value

    _RSA.__init__ = _validated_only
    _RSA.private_key = property(_private_key, _set_private_key)
except (ImportError, AttributeError):
    pass

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
