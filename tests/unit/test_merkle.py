"""RFC 9162 Merkle trees against the RFC 6962 reference vectors, and as properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from uncc.domain import merkle

ENTRIES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
LEAVES = [merkle.leaf_hash(e) for e in ENTRIES]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def test_reference_roots() -> None:
    for size in range(9):
        assert merkle.root(LEAVES[:size]).hex() == ROOTS[size]


def test_reference_inclusion_proofs() -> None:
    for index, size, path in INCLUSION:
        proof = merkle.inclusion_proof(index, LEAVES[:size])
        assert [p.hex() for p in proof] == path
        head = bytes.fromhex(ROOTS[size])
        assert merkle.verify_inclusion(index, size, LEAVES[index], proof, head)
        assert not merkle.verify_inclusion(
            index, size, LEAVES[index], proof, bytes.fromhex(ROOTS[0])
        )


def test_reference_consistency_proofs() -> None:
    for first, second, path in CONSISTENCY:
        proof = merkle.consistency_proof(first, LEAVES[:second])
        assert [p.hex() for p in proof] == path
        assert merkle.verify_consistency(
            first, second, proof, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
        )


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=40, unique=True).map(
    lambda es: [merkle.leaf_hash(e) for e in es]
)


@given(leaf_lists, st.data())
def test_every_inclusion_proof_verifies_and_a_changed_leaf_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    head = merkle.root(leaves)
    proof = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(index, len(leaves), leaves[index], proof, head)
    changed = bytes([leaves[index][0] ^ 1]) + leaves[index][1:]
    assert not merkle.verify_inclusion(index, len(leaves), changed, proof, head)
    if len(leaves) > 1:
        assert not merkle.verify_inclusion(
            (index + 1) % len(leaves), len(leaves), leaves[index], proof, head
        )


@given(leaf_lists, st.data())
def test_every_consistency_proof_verifies_and_a_changed_history_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    first = data.draw(st.integers(1, len(leaves)))
    proof = merkle.consistency_proof(first, leaves)
    old, new = merkle.root(leaves[:first]), merkle.root(leaves)
    assert merkle.verify_consistency(first, len(leaves), proof, old, new)
    forged = bytes([old[0] ^ 1]) + old[1:]
    assert not merkle.verify_consistency(first, len(leaves), proof, forged, new)


@given(st.integers(min_value=1, max_value=300), st.data())
def test_the_cached_tree_gives_the_same_heads_and_proofs(n: int, data: st.DataObject) -> None:
    from uncc.domain.merkle import Tree  # noqa: PLC0415

    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
    tree = Tree(leaves)
    size = data.draw(st.integers(min_value=1, max_value=n))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    assert tree.root(size) == merkle.root(leaves[:size])
    assert tree.inclusion_proof(index, size) == merkle.inclusion_proof(index, leaves[:size])
    assert merkle.verify_inclusion(
        index, size, leaves[index], tree.inclusion_proof(index, size), tree.root(size)
    )


@given(st.integers(min_value=0, max_value=300))
def test_the_frontier_gives_the_tree_head_after_every_append(n: int) -> None:
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier = merkle.frontier_append(frontier, size, leaf)
        assert merkle.frontier_root(frontier) == merkle.root(leaves[: size + 1])
    assert len(frontier) == bin(n).count("1")


@given(st.integers(min_value=1, max_value=300), st.data())
def test_the_cached_tree_gives_the_same_consistency_proofs(n: int, data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(n)]
    tree = merkle.Tree(leaves)
    size = data.draw(st.integers(min_value=1, max_value=n))
    first = data.draw(st.integers(min_value=1, max_value=size))
    proof = tree.consistency_proof(first, size)
    assert proof == merkle.consistency_proof(first, leaves[:size])
    assert merkle.verify_consistency(first, size, proof, tree.root(first), tree.root(size))
