"""Failed logins, counted per account and per client address in Redis, with a window.

After `max_per_account` failures on one username, or `max_per_address` from one address, within
`window_seconds` of the first, logins for that username (or from that address) are refused
without checking the password, right or wrong, until the window ends. Counting in Redis
makes the lock hold for every replica and across restarts of one. A success clears its
account's count, not its address's: one known account must not reset the guessing of others.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from handoff.keys import keyed

# KEYS: the counters; ARGV: window seconds. Each counter is incremented, and given the window
# when it is new, in one step (a crash between INCR and EXPIRE would leave a lock for ever).
_FAIL = """
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return 1
"""


@dataclass(frozen=True)
class Lock:
    """Why logins are refused now, and for how many more seconds."""

    detail: str
    retry_after: int


class LoginThrottle:
    def __init__(self, redis: Redis, prefix: str, *, max_per_account: int, max_per_address: int,
                 window_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.max_per_account = max_per_account
        self.max_per_address = max_per_address
        self.window_seconds = window_seconds
        self._fail = redis.register_script(_FAIL)

    def _account_key(self, username: str) -> str:
        # Usernames and addresses are whatever a client sent: digested, no key is long or collides.
        return keyed(self.prefix, "login-failures:account", username.strip().lower())

    def _address_key(self, address: str) -> str:
        return keyed(self.prefix, "login-failures:address", address)

    async def lock(self, username: str, address: str) -> Lock | None:
        """The lock on this username or this address, if either is locked now."""
        checks = ((self._account_key(username), self.max_per_account, "this account"),
                  (self._address_key(address), self.max_per_address, "your address"))
        for key, limit, what in checks:
            failures = await self.redis.get(key)
            if failures is not None and int(failures) >= limit:
                retry_after = max(1, await self.redis.ttl(key))
                return Lock(f"too many failed logins for {what}: try again in {retry_after} s", retry_after)
        return None

    async def failed(self, username: str, address: str) -> None:
        await self._fail(keys=[self._account_key(username), self._address_key(address)], args=[self.window_seconds])

    async def succeeded(self, username: str) -> None:
        await self.redis.delete(self._account_key(username))
