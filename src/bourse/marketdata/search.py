"""Instrument search in memory: prefix and fuzzy matches over symbol, name and ISIN.

Every instrument contributes search keys (upper case): its tradingsymbol, its ISIN, its whole
name and each word of the name. Each kind of key lives in its own sorted list, so the
instruments with a key starting with the query are a ``bisect`` range, and a query reads at
most ``limit`` entries of each list, best kind first. Fuzzy matching (typos, missing letters) goes
through trigrams of the symbol and name words: candidates sharing the most trigrams with the
query are scored by similarity (Dice coefficient over trigram sets). Trigrams held by very
many instruments say little and are skipped, which keeps a query's cost bounded however large
the master grows.

Ranking: exact symbol, symbol prefix, name or name-word prefix, ISIN prefix, then fuzzy by
score; ties by symbol.
"""

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter

from bourse.domain.instrument import Instrument
from bourse.domain.types import InstrumentToken

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MIN_FUZZY_LENGTH = 3
MIN_FUZZY_SCORE = 0.34
COMMON_TRIGRAM_POSTINGS = 2_000
"""Trigrams in more instruments than this are left out of fuzzy candidate counting."""

_EXACT, _SYMBOL, _NAME, _ISIN, _FUZZY = range(5)


def _trigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def normalise(query: str) -> str:
    return " ".join(query.upper().split())


class SearchIndex:
    """Not thread-safe: built and queried on one thread (the event loop)."""

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        self._instruments: dict[InstrumentToken, Instrument] = {}
        self._keys: dict[int, list[tuple[str, InstrumentToken]]] = {
            _SYMBOL: [],
            _NAME: [],
            _ISIN: [],
        }
        self._unsorted = False
        self._grams: dict[str, list[InstrumentToken]] = {}
        self._gram_sets: dict[InstrumentToken, set[str]] = {}
        for instrument in instruments:
            self.add(instrument)

    def __len__(self) -> int:
        return len(self._instruments)

    def add(self, instrument: Instrument) -> None:
        token = instrument.token
        if token in self._instruments:
            return
        self._instruments[token] = instrument
        symbol = normalise(instrument.tradingsymbol)
        name = normalise(instrument.name)
        keys = self._keys
        keys[_SYMBOL].append((symbol, token))
        if instrument.isin:
            keys[_ISIN].append((normalise(instrument.isin), token))
        if name:
            keys[_NAME].append((name, token))
            keys[_NAME].extend((word, token) for word in name.split()[1:])
        self._unsorted = True
        grams = _trigrams(symbol)
        for word in name.split():
            grams |= _trigrams(word)
        self._gram_sets[token] = grams
        for gram in grams:
            self._grams.setdefault(gram, []).append(token)

    def _sorted_keys(self) -> dict[int, list[tuple[str, InstrumentToken]]]:
        if self._unsorted:
            for keys in self._keys.values():
                keys.sort()
            self._unsorted = False
        return self._keys

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Instrument]:
        text = normalise(query)
        if not text:
            return []
        ranks: dict[InstrumentToken, tuple[int, float]] = {}
        for kind, keys in self._sorted_keys().items():
            at = bisect_left(keys, (text, -1))
            for key, token in keys[at : at + limit]:
                if not key.startswith(text):
                    break
                rank = (_EXACT if kind == _SYMBOL and key == text else kind, 0.0)
                if token not in ranks or rank < ranks[token]:
                    ranks[token] = rank
        if len(ranks) < limit and len(text) >= MIN_FUZZY_LENGTH:
            for token, score in self._fuzzy(text, limit):
                if token not in ranks:
                    ranks[token] = (_FUZZY, -score)
        instruments = self._instruments
        ordered = sorted(ranks, key=lambda t: (ranks[t], instruments[t].tradingsymbol, t))
        return [instruments[token] for token in ordered[:limit]]

    def _fuzzy(self, text: str, wanted: int) -> list[tuple[InstrumentToken, float]]:
        query = set()
        for word in text.split():
            query |= _trigrams(word)
        counts: Counter[InstrumentToken] = Counter()
        for gram in query:
            postings = self._grams.get(gram)
            if postings is not None and len(postings) <= COMMON_TRIGRAM_POSTINGS:
                counts.update(postings)  # counted in C
        if not counts:
            return []
        shared_enough = [item for item in counts.items() if item[1] > 1]
        best = heapq.nlargest(wanted * 2, shared_enough, key=itemgetter(1))
        scored = []
        size = len(query)
        for token, shared in best:
            score = 2 * shared / (size + len(self._gram_sets[token]))
            if score >= MIN_FUZZY_SCORE:
                scored.append((token, score))
        scored.sort(key=lambda item: -item[1])
        return scored[:wanted]
