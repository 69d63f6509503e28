"""A shared window's slot is stamped when reserved: the request must follow that stamp, so
a request held up past the tolerance (a commit, a busy loop) takes a new slot first."""

from __future__ import annotations

import asyncio

from bot.scale.budget import RETAKES, BudgetStore, SharedWindow


class Store(BudgetStore):
    """Records calls; every reservation is free at once."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.issued = 0

    async def reserve(self, name: str, *, calls: int, period: float) -> tuple[float, str]:
        self.issued += 1
        token = f"t{self.issued}"
        self.calls.append(("reserve", token))
        return 0.0, token

    async def settle(self, name: str, token: str) -> None:
        self.calls.append(("settle", token))

    async def cancel(self, name: str, token: str) -> None:
        self.calls.append(("cancel", token))


async def test_a_prompt_request_keeps_its_slot() -> None:
    store = Store()
    window = SharedWindow(store, "x", calls=10, period=1.0)  # tolerance 0.05 s
    async with window.slot() as ticket:
        await ticket.confirm()
    assert store.calls == [("reserve", "t1"), ("settle", "t1")]


async def test_a_late_request_gives_its_slot_back_and_takes_a_new_one() -> None:
    store = Store()
    window = SharedWindow(store, "x", calls=10, period=1.0)
    assert window.tolerance == 0.05
    async with window.slot() as ticket:
        await asyncio.sleep(0.12)  # e.g. committing "send started" took this long
        await ticket.confirm()
    assert store.calls == [("reserve", "t1"), ("cancel", "t1"), ("reserve", "t2"),
                           ("settle", "t2")]


async def test_retakes_are_bounded_then_the_call_goes() -> None:
    class Behind(Store):
        """Every stamp it gives is already a second old."""

        async def reserve(self, name: str, *, calls: int, period: float
                          ) -> tuple[float, str]:
            _, token = await super().reserve(name, calls=calls, period=period)
            return -1.0, token

    store = Behind()
    window = SharedWindow(store, "x", calls=10, period=1.0)
    async with window.slot() as ticket:
        await ticket.confirm()
    assert [c for c, _ in store.calls].count("cancel") == RETAKES
    assert store.calls[-1] == ("settle", f"t{RETAKES + 1}")
