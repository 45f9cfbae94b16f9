"""Pages of lists that can hold a county's or a city's whole history.

`CappedPaginator` counts at most `CAP + 1` rows: a list with more says "more than 2,000" and
pages through the first 2,000 (the filters narrow it further). Counting every row is what made
the work-order list of a county's supervisor take 1.6–3.8 s over a city-year of 10M orders
(bench/bench_city.py: the COUNT(*) over the county's million orders); counting at most 10,001
took 25 ms of the page's 42 ms there, at most 2,001 about a fifth of that."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 2_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        # any cap + 1 rows will do, so without the list's order: PostgreSQL stops at the
        # 2,001st row it finds instead of sorting a county's million to take the first ones
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """More rows than the pages reach (the pager shows "+")."""
        return self.count > self.cap
