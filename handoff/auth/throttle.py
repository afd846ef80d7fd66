"""Failed logins, counted in Redis within a window, so that guessing is slow without letting
anyone lock a real agent out (decision 0191).

- Per username and client address together: after `max_per_account` failures on one username
  from one address, that address may not try that username until the window ends. Somebody
  else's failures, from elsewhere, never lock the agent out at their own desk.
- Per address: after `max_per_address` failures from one address, on any usernames, that
  address is refused (spraying many usernames).
- Per username from anywhere: after `max_per_account_anywhere` failures on one username, from
  any addresses (guessing spread over many machines), only addresses that have not signed in
  to that account before are refused. An address is known for `known_address_seconds` after
  each success on the account; the agent's usual desk keeps working through an attack.

Counting in Redis makes the limits hold for every replica and across restarts of one. A
success clears only its own (username, address) count and marks that address known: one known
account must not reset the guessing of others, nor the count of an attack from elsewhere.
"""

from __future__ import annotations

import json
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


def _normal(username: str) -> str:
    return username.strip().lower()


class LoginThrottle:
    def __init__(self, redis: Redis, prefix: str, *, max_per_account: int, max_per_address: int,
                 window_seconds: int, max_per_account_anywhere: int = 100,
                 known_address_seconds: int = 30 * 86_400) -> None:
        self.redis = redis
        self.prefix = prefix
        self.max_per_account = max_per_account
        self.max_per_address = max_per_address
        self.max_per_account_anywhere = max_per_account_anywhere
        self.window_seconds = window_seconds
        self.known_address_seconds = known_address_seconds
        self._fail = redis.register_script(_FAIL)

    # Usernames and addresses are whatever a client sent: digested, no key is long or collides;
    # a pair is a JSON list, so no username can end where an address begins.
    def _pair_key(self, username: str, address: str) -> str:
        return keyed(self.prefix, "login-failures:pair", json.dumps([_normal(username), address]))

    def _address_key(self, address: str) -> str:
        return keyed(self.prefix, "login-failures:address", address)

    def _account_key(self, username: str) -> str:
        return keyed(self.prefix, "login-failures:account", _normal(username))

    def _known_key(self, username: str, address: str) -> str:
        return keyed(self.prefix, "login-known-address", json.dumps([_normal(username), address]))

    async def lock(self, username: str, address: str) -> Lock | None:
        """The lock this client meets on this username now, if any."""
        checks = [(self._pair_key(username, address), self.max_per_account, "this account from your address"),
                  (self._address_key(address), self.max_per_address, "your address")]
        if not await self.redis.exists(self._known_key(username, address)):
            checks.append((self._account_key(username), self.max_per_account_anywhere,
                           "this account from addresses it has not signed in from"))
        for key, limit, what in checks:
            failures = await self.redis.get(key)
            if failures is not None and int(failures) >= limit:
                retry_after = max(1, await self.redis.ttl(key))
                return Lock(f"too many failed logins for {what}: try again in {retry_after} s", retry_after)
        return None

    async def failed(self, username: str, address: str) -> None:
        keys = [self._pair_key(username, address), self._address_key(address), self._account_key(username)]
        await self._fail(keys=keys, args=[self.window_seconds])

    async def succeeded(self, username: str, address: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._pair_key(username, address))
            pipe.set(self._known_key(username, address), 1, ex=self.known_address_seconds)
            await pipe.execute()
