// Ports golang.org/x/mod/sumdb/tlog's tlog_test.go (TestTree without its
// tile half, which is in test_gomod_sumdb_tile.cpp; TestSplitStoredHashIndex;
// TestEmptyTree), note_test.go, and ct_test.go with its recorded Argon 2020
// answers inlined, plus the guards against hostile sizes.

#include <gomod/sha256.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tlog = gpx::gomod::tlog;
using tlog::Hash;

namespace {

constexpr std::int64_t k_int64_max = std::numeric_limits<std::int64_t>::max();

Hash
hash_of(std::string_view b64)
{
  auto h = tlog::hash_from_base64(b64);
  REQUIRE_MESSAGE(h, b64);
  return *h;
}

// testHashStorage: hashes in storage order. Like x/mod's, it insists on
// increasing indexes, which every function here promises to ask for.
class Storage final : public tlog::HashReader
{
public:
  std::vector<Hash> hashes;
  bool out_of_order = false;

  gpx::Result<std::vector<Hash>>
  read_hashes(const std::vector<std::int64_t>& indexes) override
  {
    std::vector<Hash> out;
    for (std::size_t i = 0; i < indexes.size(); i++) {
      out_of_order = out_of_order || (i > 0 && indexes[i - 1] >= indexes[i]);
      REQUIRE(indexes[i] >= 0);
      REQUIRE(static_cast<std::size_t>(indexes[i]) < hashes.size());
      out.push_back(hashes[static_cast<std::size_t>(indexes[i])]);
    }
    return out;
  }
};

// A reader that must not be called.
class NoReader final : public tlog::HashReader
{
public:
  gpx::Result<std::vector<Hash>>
  read_hashes(const std::vector<std::int64_t>&) override
  {
    FAIL("read_hashes called");
    return std::vector<Hash>{};
  }
};

// The tree hashes of the trees of 1..100 records "leaf 0", "leaf 1", ...,
// as x/mod's TreeHash computes them.
const char* const k_tree_hashes[] = {
  "G7l9zCFjXUfiZj79/QoXRobZjdcBNS3SzQbotD/T0wU=",
  "/F9riP+FVPdbsvnm85wxsZNtRLaSdu33sSBalVuXYeM=",
  "1Pksj7uJcg6ztVZ3x9fvrd/rENEaGoSguo8aIzN/qpU=",
  "T2MQhKFXxU9U/Psj/164ZQxLoWDClbsTqYMrEJ1SZ34=",
  "NBUVmC1lDiNSDb1U1/zwr6G3DMOhakEdRk3JwayWwwE=",
  "g2PDghzkHrtGIiEWpCzIPbp1OYSyPPyiaqrQpoZzNuo=",
  "WmH8K1T5z6cXdPJDIUPdQMbLKxGUf69lp9PaXLZRmcg=",
  "xcLIIO00L92ozolra5z1uMAKIcxLIHFMxuXTwFw1JAs=",
  "dEfK3Ghisw3tyyjEsymQk2azvTOPapD++tzEsqiiuUg=",
  "ct4a9vGtKFse8PlpyZ48AOPDLDfzo8JgUgmR0mPSX30=",
  "tubAHcNe8yoG1ShcXR8u5hcSynqvU9EI/ULCvRwUFgc=",
  "lX3TX93QjSnIRIF3UWVIaJbUdNs53IEpznV7Bo7LAus=",
  "z5tMKkSnyqci1dVI7mT/kKEZsMMaysNETcWDAAo508o=",
  "m15OWKRPw503s2otFeVhoeqYZB4a8k/m/HpzU+tbLpc=",
  "fVzzjAuL1L7jzmFz9tz5qEGoP+KqOuhVpFCx/Y/vZPk=",
  "cUopKYyn2GQ5dRAFaUmcIwnoOm8vlwkC3EbvMuvBsA8=",
  "Ru8bykxkgM1l5Q4pzBw3XbNnEc1QJF7NPmsxDG4qOD8=",
  "gmeNWF41rS5PD4UaEogUb+2vi5nztSEdpTJqMLBE9r8=",
  "V5i6F5ZaOomE5FzyPUqMS6Vi5IrWK1LPf4bXRYz9L48=",
  "xp6QHXSCwRuHMg1lie9OEGGrDS17MuzFR5lG+9Rbwwo=",
  "u/rr0fEoPFJYd+y4/miazZqe5Pd66fTl8uMNXR2TB+k=",
  "kcRlxT2LMuGQedMsXrOLKdIEAMtcU8Wk0xhsxySA2ng=",
  "igPqPb21dO+GT4SBfXopDlNqVbdcrYVHhP6X1MhE2bA=",
  "FffQK5OWAp4d51CsUvruQZrfW1dbKNm7HtDXDjv6rg8=",
  "hQWyDRd7GNWIWACKkLKCHjJgEqkv8TYtPQMg/rjD8Rg=",
  "4XJ1XgJ4ZwG3y/PXxtPunRhAczIPgLrKlFeQg/wepmI=",
  "3UP6JiaT00SAOFEab5k/yqbeEjAdOBvKfDaVYw6FlL0=",
  "SOQBSDdOW4HBE+OMCZMUjKgwv3mVYORdhvBRcMIoCsY=",
  "XBxb/o2jQhnkOxsZlKXkgnBSLfhYX17ysu+fpxwkqVE=",
  "oIChZj1kPH41qqYjVm9rPaKgsXnQNME/gsib+ZnYwsY=",
  "nmikCPYNU7C/+W53WD/35id8hHNxfxVgFj8yfB6UVc8=",
  "mltaKilXHK09gVVfNL8yVv2lYnlpHN7DT1fI9ISss/o=",
  "0IoDeSW+ZpQVxQLyjOW7Vc1g3mlXjXWSc5v1dZ+x+Qo=",
  "irL9yKVlGLCzYDcgD38Cdv1fOGLDz1uxjLyQ+T68uoQ=",
  "pZg7Qc2224yYYDOr+a3jLJ8/J/ZiJ7HwjS7sFyKgqfQ=",
  "8erFMNbIjp4CRvMCoG3+KX1Gy0z9QvCC2G8C1WGQ2+U=",
  "/HtzXVSOrQ5/vpHJt/ZXDg114baS2ri7oGd7Hf6cNL0=",
  "y82AL0aLmX/sxqfNFb/QroUTAw8Tblcv2iYujj/1clw=",
  "EU1jNfJbYcjZww0bSAete3ing3AYsS4vb+36AW5GTy0=",
  "6MRlRjK7/XT12oCWEC0RFdX+olx9GpBQ5+n3vf/Ifr8=",
  "ElizqEocMYVl1hYM1o/9HFcw2xGrnNMPbOIRn9IZNak=",
  "XkpQBYTolpNTxdzMXHMlLCsCtaK1Uah3nDE9+KCqCy4=",
  "OC3AJ88xC/OPMPV7MUSoTUrO6ld6v9+/9UB/hd3mxr0=",
  "VvnmKxXG0S3RfCZKctvCZ1Gli+XdOxncCrG19b2QAEk=",
  "IRLu3kQgkWkM6R1mwjXM3caKD5RHHbDTAMO+07oXazA=",
  "LaCHJT1SjXxTVI4C8M0ulvD7li38nDA47Ni1RdzNQW8=",
  "y7Q0RpO5iQNUFynIS8D+fOB5PyrkCUUQ0W3PiiYH5SE=",
  "rlwHKmC5Ech2Is/6nUqVQqoeytXGn0Ci1brfh1h8JpM=",
  "0DBxcMi6XI90J/x9I3igVzH3y4sB7mV8m03TzxcZO0w=",
  "2i3+EwbTNd/uesSwvMBGJMJcv2DTDhi+M9qpqyvZmhU=",
  "+nUvfCx4f2BwVrdS+A2Jca41qWdy6L9y6txQ0j5s0qM=",
  "5/4iIDQVhr7VE4D8sr9xSBf8LgXzN5lb63pVO66dBoI=",
  "MQmdrbrikKshfIAcONYBUU7+SLBZR5Qd16V/BztzE3c=",
  "5004F1F/Lv4rGwCN7jkjeIAm+UCdtdFrjMbl6YcSeNs=",
  "+2CGul8jJYUueBq3un+najjdGGZO2eG8S27m3BBhRz8=",
  "PK93Gl1B75b1rt4OeG5FcLQiUZFcaG5Jz/op3AuRERk=",
  "N29xrAnm+PlQTUjy+sRXEBcXdRMZt/964zzYNE7E+8g=",
  "TE4HMbZJzy67OFTgoi5VBH2VxKOPVsAjxkz9o8XmrT0=",
  "4oKNYHkNS2FVrdNC9f6iRmMV9gUrJ280Wv6Wp2u39Vg=",
  "HUkuRu2qPcd0umjfXreAXeIBA4WAHDLPWdnR5PmsrgE=",
  "eN3EjNrXUPYU47vV1FGPyvLjHGqYrcKOII41eoDwwdQ=",
  "mMBqfzsBJ+cstWylKFrCbFNapRLL9YXCLxZwiiD83Vk=",
  "H3WYHfq4Kij2GXPYlJOegMjAct8hhhmRkcQB7QupFGA=",
  "8mHiNpLZeP2sP9lJ21SVlApDeuZxuabd6aphGNADZS8=",
  "o4KbRTCK3aUFHFLCd3VqMyLKj3XEGsI7Oyo2s5z46W0=",
  "n3XIn5m13v00Y7uL1PUmxR3pwOUy+qgpWZY1psxV9Qw=",
  "G0nUteg+rIN+RImhir02avFKQrkgnWgFFQt6FXuozPU=",
  "hz6hA6y5UEtEdxTYlq1fDC83kB2KWZedF10Dq3wRjB0=",
  "ZVf7bGHyRQws0J7YO93Oh6tLatMlSO9dxVubGvAkdJ8=",
  "SeJHSmsEKLdUxkaBHb7ZRaXhut+kkG5C9Gr2cxr+KMw=",
  "vHHAPWX5KSXYJT86p8MvEkZlCqfUhiGpsJhX2b1Wxwk=",
  "CYEFk5NnpoTsgzg/h22fHa5YrQ3ChB+ROlEaTHtl6+Q=",
  "tZnU12d1f7XjhEct4RBzh1T9nlmwGDelT0e2jp84i00=",
  "5Iu0xu55Gw1sStRoxmUaDt0MMuF5l6t9Q94Yym4hhMY=",
  "4abbyYzvQLEWVgikMVWuA6io8l33/xMoLii8Ugcb5eg=",
  "H6DeVz2eWVL4qZbO2/eqJvtjx8cy3Sn2oETiYZwnUmw=",
  "WpJ3BL7q9hkH8uvO/pqTYL3PM8qRXRCIXISRs4wK0KM=",
  "BRXYenlbwJVPuepI4rtwuaFe18orFiLcKzGL4Hpq/l0=",
  "TRchnowbw6iG4aP+8OO4O+BAo6m5H36vJiLpevGh2WM=",
  "SKFyjnV9NAcSgQu/B26a5dxUnSi4IEuToEAnTS3cSmg=",
  "+kGLkBHjHzAVC9X/X0p1xJi4Hr1YoVA14THl/Oy9YhA=",
  "/LOXdELkYyME5tSf+OiUweJ8WY/L8U2BFRziWgjE1QA=",
  "p1df+UgUEMXpPPnu6+CuEQfRbpT+1PwLG8sQG638wYg=",
  "4hW2kYCtvSVlBrB8u7yHPpA/C5OAmQoKHwQ2g7grMSs=",
  "VpgJYQds60E/DUElscdfP+BpIPmqtac+D/Q/rpYAhHQ=",
  "YAhuVdG+3e0EMOBa7cp1spb8pRTDW+Y4UN93zIM8vEk=",
  "MZNA1Ql+fAcwFa6PK0oYvO4LJ7DLZf4Gc2xad7EkL4g=",
  "9RmBza3XSyk4FF3sj9HVC5otIo1phb1fZsTlv08EaP8=",
  "EhpAs397J9KrFCuS2uNdk1xlIzPkBfA7nOVq8+pwX1A=",
  "lc4QOUGQkVUtwBFpvEr9uPHkCUUPzEgBWfrtXkZWQkM=",
  "HOd60oFl5DewHNNnu5rubB7PLWjK4hKfAFxygFx+UmY=",
  "ilJpaOTuVi/Pt4+IiR1n62EOo2yKY8i9ckhLscHf2Fs=",
  "OyuRONiJ8yPWV/b+Pa+VLqswF7ZKLBzhJN70fCx5TLo=",
  "dpwbKJ9gd7eladCk4wMCN0Q7tq3spKYcVBbS1xhwP88=",
  "+VWassX0UMsMiMlEeynhWiL4BUH9J5nSX94VrFZVuuI=",
  "W7ir6tbTypkvxSyc9cwFB+uRyBZxjXfzwV073X88vVM=",
  "ESpoAVrlH7/8JyRRic0QlSL1C5pIc1rK0QhZfR/vim0=",
  "XiRpaW6dcR9/XH/uJSMATKVpRrXU0O8oTJRQT0Wbl+o=",
  "dIXMo/ZnfEi/1G3nbwd/PshCm7qSdUxAbXjOMfB1eG0=",
  "E/iJFcVg3JEaHaD7IJ2EoglxBR8pTr60KPs/wpOvJ0M=",
};

std::string
leaf(std::int64_t i)
{
  return "leaf " + std::to_string(i);
}

// Flips one bit of each proof hash in turn: no proof may survive that.
template<typename Check>
void
check_tampered(std::vector<Hash> p, Check check)
{
  for (std::size_t k = 0; k < p.size(); k++) {
    p[k][0] ^= 1;
    CHECK_MESSAGE(!check(p), "corrupt proof hash #", k, " accepted");
    p[k][0] ^= 1;
  }
}

struct Tree100
{
  Storage storage;
  std::vector<Hash> leaf_hashes;
  std::vector<Hash> trees; // trees[i]: the hash of the tree of i+1 records
};

const Tree100&
tree100()
{
  static const Tree100 tree = [] {
    Tree100 t;
    for (std::int64_t i = 0; i < 100; i++) {
      auto hashes = tlog::stored_hashes(i, leaf(i), t.storage);
      REQUIRE_MESSAGE(hashes, hashes.error().message);
      t.storage.hashes.insert(
        t.storage.hashes.end(), hashes->begin(), hashes->end());
      t.leaf_hashes.push_back(tlog::record_hash(leaf(i)));
      auto th = tlog::tree_hash(i + 1, t.storage);
      REQUIRE_MESSAGE(th, th.error().message);
      t.trees.push_back(*th);
    }
    return t;
  }();
  return tree;
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("stored hashes, tree hashes and their known values (TestTree)")
  {
    Storage storage;
    for (std::int64_t i = 0; i < 100; i++) {
      CAPTURE(i);
      auto hashes = tlog::stored_hashes(i, leaf(i), storage);
      REQUIRE_MESSAGE(hashes, hashes.error().message);
      storage.hashes.insert(
        storage.hashes.end(), hashes->begin(), hashes->end());
      CHECK(tlog::stored_hash_count(i + 1)
            == static_cast<std::int64_t>(storage.hashes.size()));
      auto th = tlog::tree_hash(i + 1, storage);
      REQUIRE_MESSAGE(th, th.error().message);
      CHECK(tlog::to_base64(*th) == k_tree_hashes[i]);
    }
    CHECK_FALSE(storage.out_of_order);
  }

  TEST_CASE(
    "record proofs for every record of every tree, and tampered ones fail "
    "(TestTree)")
  {
    Tree100 t = tree100();
    for (std::int64_t i = 1; i <= 100; i++) {
      const Hash& th = t.trees[static_cast<std::size_t>(i - 1)];
      for (std::int64_t j = 0; j < i; j++) {
        CAPTURE(i);
        CAPTURE(j);
        const Hash& lh = t.leaf_hashes[static_cast<std::size_t>(j)];
        auto p = tlog::prove_record(i, j, t.storage);
        REQUIRE_MESSAGE(p, p.error().message);
        auto ok = tlog::check_record(*p, i, th, j, lh);
        REQUIRE_MESSAGE(ok, ok.error().message);
        check_tampered(*p, [&](const std::vector<Hash>& q) {
          return bool(tlog::check_record(q, i, th, j, lh));
        });
        if (i > 1) {
          const Hash& other =
            t.leaf_hashes[static_cast<std::size_t>((j + 1) % i)];
          CHECK_FALSE(tlog::check_record(*p, i, th, j, other));
        }
      }
    }
    CHECK_FALSE(t.storage.out_of_order);
  }

  TEST_CASE(
    "tree proofs between every pair of trees, and tampered ones fail "
    "(TestTree)")
  {
    Tree100 t = tree100();
    for (std::int64_t i = 1; i <= 100; i++) {
      const Hash& th = t.trees[static_cast<std::size_t>(i - 1)];
      for (std::int64_t j = 1; j <= i; j++) {
        CAPTURE(i);
        CAPTURE(j);
        const Hash& h = t.trees[static_cast<std::size_t>(j - 1)];
        auto p = tlog::prove_tree(i, j, t.storage);
        REQUIRE_MESSAGE(p, p.error().message);
        auto ok = tlog::check_tree(*p, i, th, j, h);
        REQUIRE_MESSAGE(ok, ok.error().message);
        check_tampered(*p, [&](const std::vector<Hash>& q) {
          return bool(tlog::check_tree(q, i, th, j, h));
        });
      }
    }
    CHECK_FALSE(t.storage.out_of_order);
  }

  TEST_CASE("proofs of the wrong length or for the wrong hashes fail")
  {
    Tree100 t = tree100();
    const Hash& th = t.trees[9];
    const Hash& lh = t.leaf_hashes[3];
    auto rp = tlog::prove_record(10, 3, t.storage);
    REQUIRE(rp);
    auto longer = *rp;
    longer.push_back(lh);
    auto err = tlog::check_record(longer, 10, th, 3, lh);
    REQUIRE_FALSE(err);
    CHECK(err.error().message == "invalid transparency proof");
    auto shorter = *rp;
    shorter.pop_back();
    CHECK_FALSE(tlog::check_record(shorter, 10, th, 3, lh));
    CHECK_FALSE(tlog::check_record({}, 10, th, 3, lh));
    CHECK_FALSE(tlog::check_record(*rp, 10, t.trees[8], 3, lh));

    auto tp = tlog::prove_tree(10, 7, t.storage);
    REQUIRE(tp);
    auto tlonger = *tp;
    tlonger.push_back(th);
    CHECK(tlog::check_tree(*tp, 10, th, 7, t.trees[6]));
    CHECK_FALSE(tlog::check_tree(tlonger, 10, th, 7, t.trees[6]));
    CHECK_FALSE(tlog::check_tree({}, 10, th, 7, t.trees[6]));
    CHECK_FALSE(tlog::check_tree(*tp, 10, th, 7, t.trees[5]));
    CHECK_FALSE(tlog::check_tree(*tp, 10, t.trees[8], 7, t.trees[6]));
    // A tree is its own prefix with an empty proof, and nothing else is.
    CHECK(tlog::check_tree({}, 10, th, 10, th));
    CHECK_FALSE(tlog::check_tree({th}, 10, th, 10, th));
    CHECK_FALSE(tlog::check_tree({}, 10, th, 10, t.trees[8]));
  }

  TEST_CASE(
    "split_stored_hash_index inverts stored_hash_index "
    "(TestSplitStoredHashIndex)")
  {
    for (int l = 0; l < 10; l++) {
      for (std::int64_t n = 0; n < 100; n++) {
        std::int64_t x = tlog::stored_hash_index(l, n);
        CHECK(tlog::split_stored_hash_index(x) == std::pair{l, n});
      }
    }
    // Storage order is dense: every index is some (level, n).
    for (std::int64_t x = 0; x < 1000; x++) {
      auto [l, n] = tlog::split_stored_hash_index(x);
      CHECK(tlog::stored_hash_index(l, n) == x);
    }
  }

  TEST_CASE("stored hash indexes at the edges of int64")
  {
    const std::int64_t max_tree = (std::int64_t{1} << 62) - 1;
    const std::int64_t last = tlog::stored_hash_count(max_tree) - 1;
    for (std::int64_t x :
         {last, last - 1, last - 63, tlog::stored_hash_index(0, max_tree)}) {
      CAPTURE(x);
      auto [l, n] = tlog::split_stored_hash_index(x);
      CHECK(tlog::stored_hash_index(l, n) == x);
    }
    // Beyond any tree we handle, but still no overflow.
    for (std::int64_t x : {k_int64_max, k_int64_max - 1, last + 1}) {
      CAPTURE(x);
      auto [l, n] = tlog::split_stored_hash_index(x);
      CHECK(l >= 0);
      CHECK(l <= 63);
      CHECK(n >= 0);
    }
    CHECK(tlog::stored_hash_index(0, max_tree) > 0);
    CHECK(tlog::stored_hash_index(62, 0) > 0);
    CHECK(tlog::stored_hash_count(max_tree) > 0);
    // Out of range: -1, never a wrapped-around index.
    CHECK(tlog::stored_hash_index(0, max_tree + 1) == -1);
    CHECK(tlog::stored_hash_index(0, k_int64_max) == -1);
    CHECK(tlog::stored_hash_index(62, 1) == -1);
    CHECK(tlog::stored_hash_index(63, 0) == -1);
    CHECK(tlog::stored_hash_index(-1, 0) == -1);
    CHECK(tlog::stored_hash_index(0, -1) == -1);
    CHECK(tlog::stored_hash_index(1000, 0) == -1);
    CHECK(tlog::split_stored_hash_index(-1) == std::pair{-1, std::int64_t{-1}});
    CHECK(tlog::stored_hash_count(-1) == -1);
    CHECK(tlog::stored_hash_count(max_tree + 1) == -1);
    CHECK(tlog::stored_hash_count(k_int64_max) == -1);
  }

  TEST_CASE("sizes from a hostile server are errors, not crashes")
  {
    NoReader none;
    Hash h{};
    const std::int64_t huge = k_int64_max;
    for (std::int64_t n : {std::int64_t{-1}, huge, std::int64_t{1} << 62}) {
      CAPTURE(n);
      auto th = tlog::tree_hash(n, none);
      REQUIRE_FALSE(th);
      CHECK(th.error().message == "tlog: invalid inputs in TreeHash");
      CHECK_FALSE(tlog::stored_hashes(n, "x", none));
      CHECK_FALSE(tlog::prove_record(n, 0, none));
      CHECK_FALSE(tlog::prove_tree(n, 1, none));
      CHECK(tlog::check_record({}, n, h, 0, h).error().message
            == "tlog: invalid inputs in CheckRecord");
      CHECK(tlog::check_tree({}, n, h, 1, h).error().message
            == "tlog: invalid inputs in CheckTree");
    }
    CHECK(tlog::prove_record(5, 5, none).error().message
          == "tlog: invalid inputs in ProveRecord");
    CHECK_FALSE(tlog::prove_record(5, -1, none));
    CHECK(tlog::prove_tree(5, 6, none).error().message
          == "tlog: invalid inputs in ProveTree");
    CHECK_FALSE(tlog::prove_tree(5, 0, none));
    CHECK_FALSE(tlog::check_record({}, 5, h, 5, h));
    CHECK_FALSE(tlog::check_tree({}, 5, h, 0, h));
    CHECK_FALSE(tlog::check_tree({}, 0, h, 0, h));
    // A proof far longer than any tree is deep is just a failed proof.
    std::vector<Hash> long_proof(1000, h);
    CHECK(tlog::check_record(long_proof, huge >> 1, h, 12345, h).error().message
          == "invalid transparency proof");
    CHECK(tlog::check_tree(long_proof, huge >> 1, h, 12345, h).error().message
          == "invalid transparency proof");
  }

  TEST_CASE("a reader that returns too few hashes is an error")
  {
    class Short final : public tlog::HashReader
    {
    public:
      gpx::Result<std::vector<Hash>>
      read_hashes(const std::vector<std::int64_t>&) override
      {
        return std::vector<Hash>{};
      }
    } r;
    auto th = tlog::tree_hash(3, r);
    REQUIRE_FALSE(th);
    CHECK(th.error().message == "tlog: ReadHashes(2 indexes) = 0 hashes");
    CHECK_FALSE(tlog::prove_record(3, 0, r));
    CHECK_FALSE(tlog::prove_tree(3, 1, r));
    CHECK_FALSE(tlog::stored_hashes(1, "x", r));
  }

  TEST_CASE("the empty tree (TestEmptyTree)")
  {
    // RFC 6962: the hash of the empty string, as x/mod has had since v0.19.
    NoReader none;
    auto th = tlog::tree_hash(0, none);
    REQUIRE(th);
    CHECK(tlog::to_base64(*th)
          == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    CHECK(tlog::stored_hash_count(0) == 0);
    CHECK_FALSE(tlog::prove_record(0, 0, none));
    CHECK_FALSE(tlog::check_record({}, 0, *th, 0, *th));
    // The first record needs no earlier hash.
    auto first = tlog::stored_hashes(0, "leaf 0", none);
    REQUIRE(first);
    CHECK(*first == std::vector<Hash>{tlog::record_hash("leaf 0")});
  }

  TEST_CASE("record_hash and node_hash are RFC 6962's")
  {
    CHECK(tlog::to_base64(tlog::record_hash("hello world"))
          == "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=");
    Hash l = tlog::record_hash("l");
    Hash r = tlog::record_hash("r");
    gpx::gomod::Sha256 sha;
    sha.update(std::string_view("\x01", 1));
    sha.update(
      std::string_view(reinterpret_cast<const char*>(l.data()), l.size()));
    sha.update(
      std::string_view(reinterpret_cast<const char*>(r.data()), r.size()));
    CHECK(tlog::to_base64(tlog::node_hash(l, r)) == sha.base64_digest());
    CHECK(tlog::node_hash(l, r) != tlog::node_hash(r, l));
  }

  TEST_CASE("Certificate Transparency proofs verify (ct_test.go, Argon 2020)")
  {
    // get-sth, get-proof-by-hash for entry 10000 and get-sth-consistency
    // from 3654490, as x/mod's testdata/argon2020 recorded them. The leaf
    // hash is RecordHash of entries.json's leaf_input (1395 bytes).
    const std::int64_t size = 961984013;
    const Hash root = hash_of("dwlueapdd7LaOEnX2W2Wp9v2XE+KzejHRQGHwEx0oaM=");
    const Hash leaf_hash =
      hash_of("nCs3mfIydh9x4CKyQ+u2xtmpxmFggA5MLymHwNQSlLg=");
    const char* const audit_path[] = {
      "T46AmJsuOM/gFiGlUp+IJJebp+1Z5qratFNW7U0JyOQ=",
      "9Jj1Feodn42uRYEfffkV4HF/EIPFQ5Zo9IwkxbQ2uhk=",
      "D53/1oCNebF4J59HHgioovKZxrmrKcVuCVhy3Izg8Ck=",
      "wSFDgGSrsXRPA+1c8WHoAFCsWeUv8NDyP/Q/SgsyVyY=",
      "516/RcwsgdwdzHn18v1dJHqBkgFUbNhmCIWOGjsMJaE=",
      "naTFY2ajLFgrgs5XUl+zJYZnnlJksLGsA1VYwpLfqbY=",
      "mKBRJo6qao+0Kdh/rhGkZUbHUAxMhrtrclrTpIbNjIg=",
      "Co4ueOFE7lpifLio94irxxsv1wFMMaK3tPu2ZQkHlro=",
      "yRgy800K6JMYCC05sWfqF2kvCg2riT/pVM+nEa6V5+0=",
      "n2O38XJZC8/Wpbwi9HhgVizlUyeUHVZvYyQB1607MRc=",
      "go3tAjuNfNSCj87y2Rg1xOroDknGN1eaf3cgvzObf7Q=",
      "8D0Mj3/J7ySSnFb0afIHYXv6rlOhECnsebY6XKi1IR8=",
      "6rcez46ZU8M5vPiWVMAUfJfAOV0pPP/mch/lYzZhj/M=",
      "2rtIeXrPvSdUyHc5maIgSAVB2BzaKaupWxSAiVayDE4=",
      "nniW/IMFQPN5xw8UsHFn7CRStYbm1gLu7NNa6kkRqJQ=",
      "mRPPi7sQS22MduIEyvcNzCNFqIt6kLwYPkNKrVtIcu8=",
      "JvTivzESNS9wHI8aph5a7uieVmtS/p9PciMZ5D6GyOo=",
      "UTyQd+Ym0wY4zG+qK806bBORwi1CSVvFQ/KknnqoZj8=",
      "hXODrqN+ff+U6zPqRQ+ZQKs6im1fPcxIerDSfNwflhE=",
      "II6GE+WY/DrpZzfHztLwkR46o37zVkNLCyPYlf68zA0=",
      "d609kWWcNBllbA8Jb/ad4XAVVGnScLRmtP8FYyr+Dck=",
      "rikBsP0G0gioXRpBFED2CzQdSLrGPvRd0bEcbEZw1rI=",
      "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=",
      "pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
      "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=",
      "WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
      "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=",
      "NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
      "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=",
      "nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
    };
    const char* const consistency[] = {
      "80Sfbj6UQEdVSZCSIgh9NMPj3vCBzcc1A48B2crJSWg=",
      "FZcrgAHUk6nNPviJZq8kEK6jCG1d18pJOFE45ZDc1TQ=",
      "Q67reWXmPBo1UfmwBap4Xi9PMPfFdUSSw3WGlRZdG7k=",
      "eJ7CyhR4PxzBxDIsWgrVYW1eFUb9ndgf46tFmiqVrxA=",
      "QrDwp062Grm5WY8KdrhFsBuuNjGzRox2Jb8PmVL5OYw=",
      "XM4YMjMEdLH/XJam/ZWyaP14k3cmsOtnPsOWQ54lW1s=",
      "SGiBh+jOTGccXU48ZzgQ88lRcBmtB4wz4oSDndv2QTg=",
      "WAS6txqNLYKGL1GdBdpqmV42TTfn6cJsuDsqLXuTCNI=",
      "QFmRS0rirUA7ZN3lxFjDncV+E1OCrn3NUB4RCp+5fzc=",
      "Hdbp7It2XBNZmNDBpCN/KPd7vfVqxgzwOosqVIaEA9E=",
      "mxvHL0ZiblBdD7j7pIa1jlfB0gSqfJ6oX0UGo7L0VsU=",
      "q5hjyvoW6TL/PThgcitpDcSTrnKX2p1+aqscqH2euRA=",
      "jTOWDqt3IHj2NVFeezyBz2ofpru+ztEywqKUAfFclKI=",
      "GIRn0w3HqJdvU9j1WVD//eR6lk2AaTVjyzjsJNP8U88=",
      "x52GJvxG81fnQBrgOTbll1A5tz95/LXK0Ag1NhB0r1I=",
      "6/0OqrcTgc3o5dD5PymmoC96lB9yLPFuTHVvLy8fSGk=",
      "Gf+iKLfcXO5l4JEFmsZvSdG5q1uEeWPfYLrds6pmjz0=",
      "DGuaco+McyM3AfRSF6qX7RwSetwe2ieYJmxw5e9rVx0=",
      "2tQJ9V32hnYp+fdpP6TcjmgJmLeNVOMKM0Ml1kk4cNU=",
      "3PapK+IkyJr8I9yAErAmzuZezzLMzsg+PfeRCgNW8NQ=",
      "s6xiYeejb+wtqHA+URJZ2I/SCPyIW8coP6aB00FJbMY=",
      "z9lSpmdTcr5M5ZzKlc4EPh3SrSypKFdk6JUF/UccaZU=",
      "GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=",
      "pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
      "f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=",
      "WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
      "f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=",
      "NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
      "C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=",
      "nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
    };
    tlog::RecordProof rp;
    for (const char* b64 : audit_path) {
      rp.push_back(hash_of(b64));
    }
    tlog::TreeProof tp;
    for (const char* b64 : consistency) {
      tp.push_back(hash_of(b64));
    }
    auto ok = tlog::check_record(rp, size, root, 10000, leaf_hash);
    CHECK_MESSAGE(ok, ok.error().message);
    CHECK_FALSE(tlog::check_record(rp, size, root, 10001, leaf_hash));
    const Hash old = hash_of("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=");
    auto ok2 = tlog::check_tree(tp, size, root, 3654490, old);
    CHECK_MESSAGE(ok2, ok2.error().message);
    CHECK_FALSE(tlog::check_tree(tp, size, root, 3654491, old));
  }

  TEST_CASE("format_tree (TestFormatTree)")
  {
    tlog::Tree tree{123456789012, tlog::record_hash("hello world")};
    CHECK(tlog::format_tree(tree)
          == "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n");
  }

  TEST_CASE("parse_tree (TestParseTree)")
  {
    const std::string in =
      "go.sum database "
      "tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
    const tlog::Tree gold{123456789012, tlog::record_hash("hello world")};
    auto tree = tlog::parse_tree(in);
    REQUIRE_MESSAGE(tree, tree.error().message);
    CHECK(*tree == gold);

    std::string junk;
    for (int i = 0; i < 1000; i++) {
      junk += "JOE\n";
    }
    for (const std::string& good : {in + "JOE", in + "JOE\n", in + junk}) {
      auto t = tlog::parse_tree(good);
      REQUIRE_MESSAGE(t, t.error().message);
      CHECK(*t == gold);
    }
    // Go's base64 decoder skips '\r' and '\n'.
    auto cr = tlog::parse_tree(
      "go.sum database "
      "tree\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\r\n");
    REQUIRE(cr);
    CHECK(*cr == tlog::Tree{5, gold.hash});
    CHECK(tlog::parse_tree(
      "go.sum database "
      "tree\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));
    CHECK(
      tlog::parse_tree("go.sum database "
                       "tree\n9223372036854775807\n47DEQpj8HBSa+/"
                       "TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));

    const std::string hash = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
    const std::string bad[] = {
      "not-" + in,
      "go.sum database tree\n0xabcdef\n" + hash + "\n",
      "go.sum database "
      "tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
      // and more than note_test.go has:
      "go.sum database tree\n123456789012\n" + hash,
      "go.sum database tree\n-1\n" + hash + "\n",
      "go.sum database tree\n+5\n" + hash + "\n",
      "go.sum database tree\n05\n" + hash + "\n",
      "go.sum database tree\n-0\n" + hash + "\n",
      "go.sum database tree\n\n" + hash + "\n",
      "go.sum database tree\n5 \n" + hash + "\n",
      "go.sum database tree\n9223372036854775808\n" + hash + "\n",
      "go.sum database tree\n99999999999999999999\n" + hash + "\n",
      "go.sum database tree\n5\n" + hash.substr(0, 43) + "\n",
      "go.sum database tree\n5\n" + hash + "=\n",
      "go.sum database tree\n5\n" + hash + " \n",
      "go.sum database tree\n5\n"
        + std::string("Tszz-gjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=") + "\n",
      "go.sum database tree\n5\n\n",
      "go.sum database tree\r\n5\n" + hash + "\n",
      in + std::string(1'000'000, 'x'),
    };
    for (const std::string& b : bad) {
      CAPTURE(b.substr(0, 200));
      auto t = tlog::parse_tree(b);
      REQUIRE_FALSE(t);
      CHECK(t.error().message == "malformed tree note");
    }
  }

  TEST_CASE("hash_from_base64 decodes like Go's base64.StdEncoding")
  {
    const std::string h = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
    auto ok = tlog::hash_from_base64(h);
    REQUIRE(ok);
    CHECK(tlog::to_base64(*ok) == h);
    CHECK(tlog::hash_from_base64(
      "Tszz\nRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\r\n=\n"));
    // Go's StdEncoding is not Strict: the two unused bits may be set.
    auto loose =
      tlog::hash_from_base64("TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb3=");
    REQUIRE(loose);
    CHECK(*loose == *ok);
    for (std::string_view bad : {
           "",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb==",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0==",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=AAAA",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw=b0=",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw_b0=",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw-b0=",
           " TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\t",
           "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\x80",
           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=AAAA",
           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
         }) {
      CAPTURE(bad);
      auto r = tlog::hash_from_base64(bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "malformed hash");
    }
  }

  TEST_CASE("format_record (TestFormatRecord)")
  {
    auto msg = tlog::format_record(123456789012, "hello, world\n");
    REQUIRE(msg);
    CHECK(*msg == "123456789012\nhello, world\n\n");
    CHECK(*tlog::format_record(-7, "x\n") == "-7\nx\n\n");
    CHECK(tlog::format_record(
      1, "DEL \x7f, U+FFFD \xef\xbf\xbd, em dash \xe2\x80\x94\n"));
    // As in x/mod, a lone newline is a valid record text.
    CHECK(*tlog::format_record(1, "\n") == "1\n\n\n");
    for (std::string_view bad : {"",
                                 "hello\nworld",
                                 "hello\n\nworld\n",
                                 "hello\x01world\n",
                                 // and more than note_test.go has:
                                 "\n\n",
                                 "tab\there\n",
                                 "hello\r\n",
                                 "hello\xffworld\n",
                                 "\xed\xa0\x80\n",
                                 "\xc0\xaf\n",
                                 "\xe2\x80\n"}) {
      CAPTURE(bad);
      auto r = tlog::format_record(1, bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "malformed record data");
    }
  }

  TEST_CASE("parse_record (TestParseRecord)")
  {
    auto r =
      tlog::parse_record("123456789012\nhello, world\n\njunk on end\x01\xff");
    REQUIRE_MESSAGE(r, r.error().message);
    CHECK(r->id == 123456789012);
    CHECK(r->text == "hello, world\n");
    CHECK(r->note == "junk on end\x01\xff");

    const std::string in = "123456789012\nhello, world\n\n";
    auto r2 = tlog::parse_record(in);
    REQUIRE(r2);
    CHECK(r2->id == 123456789012);
    CHECK(r2->text == "hello, world\n");
    CHECK(r2->note.empty());

    auto lone = tlog::parse_record("1\n\n\nrest");
    REQUIRE(lone);
    CHECK(lone->text == "\n");
    CHECK(lone->note == "rest");
    // strconv.ParseInt's id syntax: a sign and leading zeros are fine.
    CHECK(tlog::parse_record("+00012\nx\n\n")->id == 12);
    CHECK(tlog::parse_record("-9223372036854775808\nx\n\n")->id
          == std::numeric_limits<std::int64_t>::min());
    CHECK(tlog::parse_record("9223372036854775807\nx\n\n")->id == k_int64_max);
    // A real lookup answer: the go.sum lines, then the signed tree note.
    auto lookup = tlog::parse_record(
      "1\nrsc.io/quote v1.5.2 h1:w5fcysjrx7yqtD/aO+QwRjYZOKnaM9Uh2b40tElTs3Y=\n"
      "rsc.io/quote v1.5.2/go.mod "
      "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n\n"
      "go.sum database "
      "tree\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n\n\xe2\x80\x94 "
      "sum.golang.org sig\n");
    REQUIRE(lookup);
    CHECK(lookup->text.ends_with("TKr0=\n"));
    CHECK(lookup->note.starts_with("go.sum database tree\n5\n"));

    for (const std::string& bad : {
           "not-" + in,
           std::string("123\nhello\x01world\n\n"),
           std::string("123\nhello\xffworld\n\n"),
           std::string("123\nhello world\n"),
           std::string("0x123\nhello world\n\n"),
           // and more than note_test.go has:
           std::string(""),
           std::string("123"),
           std::string("\nhello\n\n"),
           std::string("+\nhello\n\n"),
           std::string("1 \nhello\n\n"),
           std::string("9223372036854775808\nhello\n\n"),
           std::string("-9223372036854775809\nhello\n\n"),
           std::string("1\n\n"),
           std::string("1\n\thello\n\n"),
         }) {
      CAPTURE(bad);
      auto b = tlog::parse_record(bad);
      REQUIRE_FALSE(b);
      CHECK(b.error().message == "malformed record data");
    }
  }
}
