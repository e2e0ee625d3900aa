"""Pages by keyset: a page is ``WHERE (sort keys) after (the last row seen) ORDER BY sort keys
LIMIT size + 1``, so the hundredth page costs what the first does and rows inserted meanwhile
neither repeat nor vanish. Every order ends with the primary key, so its keys are unique.
Paging backward (the rows before a row) reads the same order reversed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement


@dataclass(frozen=True)
class Order:
    """A named sort: SQL expressions without NULLs, each ascending or descending (True), the
    last one the primary key."""

    name: str
    keys: tuple[tuple[ColumnElement[Any], bool], ...]

    @property
    def labels(self) -> list[str]:
        """The names the keys' values have in a page's rows."""
        return [f"_key{i}" for i in range(len(self.keys))]

    def key_of(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The sort keys of a row of a page: what a page after it starts from."""
        return tuple(row[label] for label in self.labels)

    def reversed(self) -> Order:
        """The same keys, each the other way: the rows in the opposite order."""
        return Order(self.name, tuple((expression, not down) for expression, down in self.keys))


def _after(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    keys = order.keys
    clauses = []
    for i, (expression, descending) in enumerate(keys):
        equal = [keys[j][0] == values[j] for j in range(i)]
        beyond = expression < values[i] if descending else expression > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _before(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    return _after(order.reversed(), values)


def page(
    statement: Select[Any],
    order: Order,
    size: int,
    after: Sequence[Any] | None = None,
    *,
    before: Sequence[Any] | None = None,
    backward: bool = False,
    counted: bool = False,
) -> Select[Any]:
    """The rows of ``statement`` in ``order`` that follow the row whose keys are ``after``
    (from the start without it) and precede the row whose keys are ``before`` (to the end
    without it): the first ``size`` of them, or with ``backward`` the last ``size`` read in
    the reverse order, and one more, which tells whether more lie that way; each row with its
    keys (``Order.key_of``). With ``counted``, each row also holds in ``_total`` how many rows
    ``statement`` has in all (a window over the whole list)."""
    keys = zip(order.keys, order.labels, strict=True)
    paged = statement.add_columns(*(expression.label(label) for (expression, _), label in keys))
    if after is not None:
        paged = paged.where(_after(order, after))
    if before is not None:
        paged = paged.where(_before(order, before))
    if counted:
        paged = paged.add_columns(func.count().over().label("_total"))
    reading = order.reversed() if backward else order
    ordered = (expression.desc() if down else expression.asc() for expression, down in reading.keys)
    return paged.order_by(*ordered).limit(size + 1)


def beyond(
    statement: Select[Any], order: Order, values: Sequence[Any], *, backward: bool, inclusive: bool
) -> Select[Any]:
    """The rows of ``statement`` after the keys ``values`` in ``order`` (before them with
    ``backward``), and the row at them too with ``inclusive``: whether there is one is a
    keyset probe, as cheap as the first row of a page."""
    if inclusive:  # at or after = not strictly before
        condition = ~(_after(order, values) if backward else _before(order, values))
    else:
        condition = _before(order, values) if backward else _after(order, values)
    return statement.where(condition)


def count(statement: Select[Any]) -> Select[Any]:
    """``SELECT count(*)`` of the rows of ``statement``."""
    return select(func.count()).select_from(statement.order_by(None).subquery())
