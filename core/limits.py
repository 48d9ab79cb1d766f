"""Rate limits: how often something may happen per key in a time window.

Counts live in the "limits" cache, kept in the database so that every server process
counts together (a per-process memory cache would multiply each limit by the workers).
"""

import hashlib
import time

from django.core.cache import caches


def now() -> float:
    return time.time()


def allow(action: str, key: str, *, limit: int, window: int) -> bool:
    """Count one more `action` for `key` in the current window; False once past `limit`.

    Fixed windows of `window` seconds: simple and enough against a flood. The key is
    hashed, so no e-mail address or IP is kept in the cache in clear.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    name = f"{action}:{digest}:{int(now() // window)}"
    cache = caches["limits"]
    # get and set rather than incr: incr would reset the entry's timeout to the cache's
    # default. Two requests at the same instant may both pass: a flood still stops.
    count = cache.get(name, 0) + 1
    cache.set(name, count, timeout=window)
    return count <= limit
