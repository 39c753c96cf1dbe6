"""Grouping texts that read alike: character n-gram TF-IDF, cosine similarity, average linkage.

Character n-grams (3 to 5, inside word boundaries) match "deadline"/"deadlines" and
survive typos; numbers are folded to 0 so "says 7 days" and "says 30 days" group. Texts
are deduplicated first, and at most `MAX_CLUSTERED` distinct texts go through the
quadratic linkage; the rest join the cluster of their most similar clustered text (or
stay alone), which keeps a run of any size to a few seconds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

MIN_SIMILARITY = 0.45  # average cosine similarity at which two groups merge
MAX_CLUSTERED = 1500
NGRAMS = (3, 4, 5)

_DIGITS = re.compile(r"\d+")


def _grams(text: str) -> Counter[str]:
    norm = _DIGITS.sub("0", text.lower())
    grams: Counter[str] = Counter()
    for word in norm.split():
        padded = f" {word} "
        for n in NGRAMS:
            grams.update(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


def tfidf(texts: Sequence[str]) -> csr_matrix:
    """Rows of L2-normalised TF-IDF weights over character n-grams (sublinear tf, smoothed idf)."""
    counts = [_grams(t) for t in texts]
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
        for gram in c:
            vocab.setdefault(gram, len(vocab))
    n = len(texts)
    idf = {g: math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocab}
    rows, cols, vals = [], [], []
    for r, c in enumerate(counts):
        weights = {g: (1.0 + math.log(k)) * idf[g] for g, k in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for g, w in weights.items():
            rows.append(r)
            cols.append(vocab[g])
            vals.append(w / norm)
    return csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))))


def cluster(texts: Sequence[str], min_similarity: float = MIN_SIMILARITY) -> list[int]:
    """A cluster number per text (0, 1, ... in order of first appearance); equal texts share one."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return []
    matrix = tfidf(unique)
    head = matrix[:MAX_CLUSTERED]
    labels = _linkage_labels(head, min_similarity)
    if len(unique) > MAX_CLUSTERED:
        labels = labels + _nearest_labels(matrix[MAX_CLUSTERED:], head, labels, min_similarity)
    by_text = dict(zip(unique, labels, strict=True))
    return _renumber([by_text[t] for t in texts])


def medoid(texts: Sequence[str]) -> int:
    """The index of the text most similar, on average, to the others: a cluster's representative.

    Large groups are judged on their first `MAX_CLUSTERED` texts: enough to find a typical one.
    """
    texts = texts[:MAX_CLUSTERED]
    if len(texts) <= 2:
        return 0
    matrix = tfidf(texts)
    similarity = (matrix @ matrix.T).toarray()
    return int(np.argmax(similarity.sum(axis=1)))


def _linkage_labels(matrix: csr_matrix, min_similarity: float) -> list[int]:
    n = matrix.shape[0]
    if n == 1:
        return [0]
    similarity = np.clip((matrix @ matrix.T).toarray(), 0.0, 1.0)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    found: npt.NDArray[np.int64] = fcluster(tree, t=1.0 - min_similarity, criterion="distance")
    return [int(x) for x in found]


def _nearest_labels(
    rest: csr_matrix, head: csr_matrix, labels: list[int], min_similarity: float
) -> list[int]:
    similarity = (rest @ head.T).toarray()
    best = similarity.argmax(axis=1)
    next_label = max(labels) + 1
    out = []
    for row, col in enumerate(best):
        if similarity[row, col] >= min_similarity:
            out.append(labels[col])
        else:
            out.append(next_label)
            next_label += 1
    return out


def _renumber(labels: list[int]) -> list[int]:
    order: dict[int, int] = {}
    return [order.setdefault(label, len(order)) for label in labels]
