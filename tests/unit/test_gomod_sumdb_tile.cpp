// Ports golang.org/x/mod/sumdb/tlog's tile tests: TestTilePath and its
// invalid paths, TestNewTilesForSize, the tile half of TestTree (tiles
// built with read_tile_data, hashes and proofs read back through a
// TileHashReader that saves only authenticated tiles) and the newer
// TestTileHashReader, whose tampered tiles must all be caught.

#include <gomod/sumdb_tile.hpp>
#include <gomod/sumdb_tlog.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tlog = gpx::gomod::tlog;
using tlog::Hash;
using tlog::Tile;

namespace {

constexpr std::int64_t k_int64_max = std::numeric_limits<std::int64_t>::max();
constexpr int k_height =
  2; // TestTree's testH: small, so trees of 100 records have three tile levels

class Storage final : public tlog::HashReader
{
public:
  std::vector<Hash> hashes;

  gpx::Result<std::vector<Hash>>
  read_hashes(const std::vector<std::int64_t>& indexes) override
  {
    std::vector<Hash> out;
    for (std::int64_t x : indexes) {
      REQUIRE(x >= 0);
      REQUIRE(static_cast<std::size_t>(x) < hashes.size());
      out.push_back(hashes[static_cast<std::size_t>(x)]);
    }
    return out;
  }
};

std::string
leaf(std::int64_t i)
{
  return "leaf " + std::to_string(i);
}

// The records "leaf 0".."leaf 99", their hashes, every tree's hash, and
// every tile that new_tiles asked for along the way.
struct Log
{
  Storage storage;
  std::vector<Hash> leaf_hashes;
  std::vector<Hash> trees; // trees[i]: the tree of i+1 records
  std::map<Tile, std::string> tiles;
};

std::string
tile_data(const Tile& t, Storage& s)
{
  auto data = tlog::read_tile_data(t, s);
  REQUIRE_MESSAGE(data, data.error().message);
  return *data;
}

// TestTree's tile checks for the tree growing from i to i+1 records.
void
add_new_tiles(Log& log, std::int64_t i)
{
  for (const Tile& t : tlog::new_tiles(k_height, i, i + 1)) {
    std::string data = tile_data(t, log.storage);
    // A partial tile grows by appending: it extends the narrower one.
    Tile old{t.h, t.l, t.n, t.w - 1};
    const std::string& old_data = log.tiles[old];
    REQUIRE_MESSAGE(old_data.size() + tlog::hash_size == data.size(), t.path());
    REQUIRE_MESSAGE(data.starts_with(old_data), t.path());
    log.tiles[t] = data;
  }
  for (std::int64_t old_size : {std::int64_t{0}, i / 2}) {
    for (const Tile& t : tlog::new_tiles(k_height, old_size, i + 1)) {
      REQUIRE_MESSAGE(log.tiles.contains(t), t.path());
      CHECK(log.tiles[t] == tile_data(t, log.storage));
    }
  }
}

Log
build_log()
{
  Log log;
  for (std::int64_t i = 0; i < 100; i++) {
    auto hashes = tlog::stored_hashes(i, leaf(i), log.storage);
    REQUIRE_MESSAGE(hashes, hashes.error().message);
    std::size_t old_count = log.storage.hashes.size();
    log.storage.hashes.insert(
      log.storage.hashes.end(), hashes->begin(), hashes->end());
    log.leaf_hashes.push_back(tlog::record_hash(leaf(i)));
    auto th = tlog::tree_hash(i + 1, log.storage);
    REQUIRE_MESSAGE(th, th.error().message);
    log.trees.push_back(*th);
    add_new_tiles(log, i);

    // Every new hash can be read from the tile tile_for_index names.
    for (std::size_t j = old_count; j < log.storage.hashes.size(); j++) {
      Tile t = tlog::tile_for_index(k_height, static_cast<std::int64_t>(j));
      REQUIRE_MESSAGE(log.tiles.contains(t), t.path());
      auto h =
        tlog::hash_from_tile(t, log.tiles[t], static_cast<std::int64_t>(j));
      REQUIRE_MESSAGE(h, h.error().message);
      CHECK(*h == log.storage.hashes[j]);
    }
  }
  return log;
}

const Log&
log100()
{
  static const Log log = build_log();
  return log;
}

// testTilesStorage, stricter: every saved tile must have been read, must
// hold the tree's true data, and is counted.
class TileStore : public tlog::TileReader
{
public:
  explicit TileStore(const Log& log)
    : m_log(log)
  {
  }

  int unsaved = 0;
  int saves = 0;
  int bad_saves = 0;

  int
  height() const override
  {
    return k_height;
  }

  gpx::Result<std::vector<std::string>>
  read_tiles(const std::vector<Tile>& tiles) override
  {
    std::vector<std::string> out;
    for (const Tile& t : tiles) {
      auto it = m_log.tiles.find(t);
      REQUIRE_MESSAGE(
        it != m_log.tiles.end(), "asked for unpublished tile ", t.path());
      out.push_back(tamper(t, it->second));
    }
    unsaved += static_cast<int>(tiles.size());
    return out;
  }

  void
  save_tiles(const std::vector<Tile>& tiles,
             const std::vector<std::string>& data) override
  {
    saves++;
    REQUIRE(tiles.size() == data.size());
    for (std::size_t i = 0; i < tiles.size(); i++) {
      auto it = m_log.tiles.find(tiles[i]);
      bad_saves += it == m_log.tiles.end() || it->second != data[i];
    }
    unsaved -= static_cast<int>(tiles.size());
  }

protected:
  virtual std::string
  tamper(const Tile&, const std::string& data)
  {
    return data;
  }

private:
  const Log& m_log;
};

// zeroIndex: serves the tiles with the hash at one stored index zeroed in
// its tile, whatever width the tile is read at (for an index above a
// tile's bottom row, the bottom-row hashes it is computed from).
class ZeroIndex final : public TileStore
{
public:
  ZeroIndex(const Log& log, std::int64_t index)
    : TileStore(log),
      m_index(index)
  {
  }

private:
  std::string
  tamper(const Tile& t, const std::string& data) override
  {
    Tile target = tlog::tile_for_index(k_height, m_index);
    if (t.h != target.h || t.l != target.l || t.n != target.n) {
      return data;
    }
    // target's data is the first target.w hashes, whose last 2^k hold the
    // ones index is computed from; find that range as a power-of-two run.
    std::size_t end = static_cast<std::size_t>(target.w) * tlog::hash_size;
    std::size_t run =
      static_cast<std::size_t>(target.w & -target.w) * tlog::hash_size;
    if (end > data.size()) {
      return data;
    }
    std::string out = data;
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(end - run),
              out.begin() + static_cast<std::ptrdiff_t>(end),
              '\0');
    return out;
  }

  std::int64_t m_index;
};

// Flips one byte of the k'th tile a read asks for.
class FlipByte final : public TileStore
{
public:
  FlipByte(const Log& log, std::size_t k, std::size_t byte)
    : TileStore(log),
      m_k(k),
      m_byte(byte)
  {
  }

  std::size_t calls = 0;
  bool flipped = false;

private:
  std::string
  tamper(const Tile&, const std::string& data) override
  {
    std::string out = data;
    if (calls++ == m_k) {
      out[m_byte % out.size()] ^= 0x20;
      flipped = true;
    }
    return out;
  }

  std::size_t m_k;
  std::size_t m_byte;
};

std::vector<std::int64_t>
all_indexes(std::int64_t n)
{
  std::vector<std::int64_t> out;
  for (std::int64_t x = 0; x < tlog::stored_hash_index(0, n); x++) {
    out.push_back(x);
  }
  return out;
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("tile paths (TestTilePath)")
  {
    struct Case
    {
      std::string_view path;
      Tile tile;
    };
    const Case cases[] = {
      {"tile/4/0/001", {4, 0, 1, 16}},
      {"tile/4/0/001.p/5", {4, 0, 1, 5}},
      {"tile/3/5/x123/x456/078", {3, 5, 123456078, 8}},
      {"tile/3/5/x123/x456/078.p/2", {3, 5, 123456078, 2}},
      {"tile/1/0/x003/x057/500", {1, 0, 3057500, 2}},
      {"tile/1/data/x003/x057/500", {1, -1, 3057500, 2}},
      // and more than tlog_test.go has:
      {"tile/8/0/000", {8, 0, 0, 256}},
      {"tile/8/1/x001/234.p/255", {8, 1, 1234, 255}},
      {"tile/8/data/000.p/1", {8, -1, 0, 1}},
      {"tile/30/63/999.p/1073741823", {30, 63, 999, (1 << 30) - 1}},
      {"tile/1/0/x009/x223/x372/x036/x854/x775/807", {1, 0, k_int64_max, 2}},
    };
    for (const Case& c : cases) {
      CAPTURE(c.path);
      CHECK(c.tile.path() == c.path);
      auto t = tlog::parse_tile_path(c.path);
      REQUIRE_MESSAGE(t, t.error().message);
      CHECK(*t == c.tile);
    }
  }

  TEST_CASE("malformed tile paths (TestTilePath)")
  {
    for (std::string_view bad : {
           "tile/3/5/123/456/078",
           "tile/3/-1/123/456/078",
           // and more than tlog_test.go has:
           "",
           "tile",
           "tile/4/0",
           "tile/4/0/",
           "tiles/4/0/001",
           "/tile/4/0/001",
           "tile/4/0/001/",
           "tile/0/0/001",
           "tile/31/0/001",
           "tile/-4/0/001",
           "tile/+4/0/001",
           "tile/04/0/001",
           "tile//0/001",
           "tile/4//001",
           "tile/4/01/001",
           "tile/4/+1/001",
           "tile/4/x/001",
           "tile/4/data.p/001",
           "tile/4/0/1",
           "tile/4/0/0001",
           "tile/4/0/x000/001",
           "tile/4/0/x001",
           "tile/4/0/001x",
           "tile/4/0/-01",
           "tile/4/0/+01",
           "tile/4/0/1000",
           "tile/4/0/x1/001",
           "tile/4/0/001.p/16",
           "tile/4/0/001.p/17",
           "tile/4/0/001.p/0",
           "tile/4/0/001.p/-1",
           "tile/4/0/001.p/05",
           "tile/4/0/001.p/",
           "tile/4/0/001.p",
           "tile/4/0/.p/5",
           "tile/4/0/001.p/5/6",
           "tile/4/0/001.q/5",
           "tile/30/0/001.p/99999999999",
           "tile/4/2147483648/001",
           "tile/4/9999999999999999999/001",
           "tile/1/0/x009/x223/x372/x036/x854/x775/808",
           "tile/1/0/x999/x999/x999/x999/x999/x999/x999/999",
           "tile/1/0/x999/x999/x999/x999/x999/x999/x999/x999/x999/x999/x999/"
           "999",
           "tile/99999999999999999999/0/001",
           "tile/4/99999999999999999999/001",
         }) {
      CAPTURE(bad);
      auto t = tlog::parse_tile_path(bad);
      REQUIRE_FALSE(t);
      CHECK(t.error().message.starts_with("malformed tile path \""));
    }
    CHECK(tlog::parse_tile_path("tile/3/5/123/456/078").error().message
          == "malformed tile path \"tile/3/5/123/456/078\"");
  }

  TEST_CASE(
    "new_tiles publishes only the tiles of the new tree (TestNewTilesForSize)")
  {
    struct Case
    {
      std::int64_t old_size, new_size;
      std::size_t want;
    };
    for (Case c : {Case{1, 1, 0},
                   Case{100, 101, 1},
                   Case{1023, 1025, 3},
                   Case{1024, 1030, 1},
                   Case{1030, 2000, 1},
                   Case{1030, 10000, 10},
                   Case{49516517, 49516586, 3}}) {
      CAPTURE(c.old_size);
      CAPTURE(c.new_size);
      CHECK(tlog::new_tiles(10, c.old_size, c.new_size).size() == c.want);
    }
    CHECK(tlog::new_tiles(10, 1023, 1025)
          == std::vector<Tile>{{10, 0, 0, 1024}, {10, 0, 1, 1}, {10, 1, 0, 1}});
    // Nothing for nonsense, rather than x/mod's panic or a huge list.
    CHECK(tlog::new_tiles(0, 0, 10).empty());
    CHECK(tlog::new_tiles(31, 0, 10).empty());
    CHECK(tlog::new_tiles(8, -1, 10).empty());
    CHECK(tlog::new_tiles(8, 10, 5).empty());
    // The largest sizes shift by 60 and more bits without overflow.
    auto big = tlog::new_tiles(30, k_int64_max - 1, k_int64_max);
    CHECK(big.size() == 1);
    CHECK(
      tlog::new_tiles(30, k_int64_max - (std::int64_t{1} << 30), k_int64_max)
        .size()
      == 3);
  }

  TEST_CASE(
    "tile_for_index, hash_from_tile and read_tile_data reject bad inputs")
  {
    CHECK(tlog::tile_for_index(0, 5) == Tile{});
    CHECK(tlog::tile_for_index(31, 5) == Tile{});
    CHECK(tlog::tile_for_index(2, -1) == Tile{});
    CHECK(tlog::tile_for_index(2, 0) == Tile{2, 0, 0, 1});
    CHECK(tlog::tile_for_index(2, 2)
          == Tile{2, 0, 0, 2}); // the level-1 hash of records 0 and 1
    CHECK(tlog::tile_for_index(30, k_int64_max).h == 30);

    const std::string data(4 * tlog::hash_size, 'x');
    CHECK(tlog::hash_from_tile({0, 0, 0, 1}, data, 0).error().message
          == "invalid tile tile/0/0/000");
    CHECK_FALSE(tlog::hash_from_tile({2, -1, 0, 1}, data, 0));
    CHECK_FALSE(tlog::hash_from_tile({2, 64, 0, 1}, data, 0));
    CHECK_FALSE(tlog::hash_from_tile({2, 0, 0, 5}, data, 0));
    CHECK_FALSE(tlog::hash_from_tile({2, 0, 0, 0}, data, 0));
    CHECK(tlog::hash_from_tile({2, 0, 0, 4}, data.substr(1), 0).error().message
          == "data len 127 too short for tile tile/2/0/000");
    CHECK(tlog::hash_from_tile({2, 0, 0, 1}, data, 3).error().message
          == "index 3 is in tile/2/0/000.p/3 not tile/2/0/000.p/1");
    CHECK(tlog::hash_from_tile({2, 0, 1, 4}, data, 0).error().message
          == "index 0 is in tile/2/0/000.p/1 not tile/2/0/001");
    CHECK_FALSE(tlog::hash_from_tile({2, 0, 0, 4}, data, -1));
    auto first = tlog::hash_from_tile({2, 0, 0, 4}, data, 0);
    REQUIRE(first);
    CHECK(
      *first
      == tlog::hash_from_base64("eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg=")
           .value());

    Storage empty;
    for (Tile t : {Tile{2, -1, 0, 4},
                   Tile{0, 0, 0, 1},
                   Tile{31, 0, 0, 1},
                   Tile{2, 0, -1, 4},
                   Tile{2, 0, 0, 5},
                   Tile{2, 0, 0, -1},
                   Tile{2, 0, k_int64_max, 4},
                   Tile{2, 63, 0, 4},
                   Tile{30, 3, 0, 4},
                   Tile{2, 0, (std::int64_t{1} << 60), 4}}) {
      CAPTURE(t.path());
      auto r = tlog::read_tile_data(t, empty);
      REQUIRE_FALSE(r);
      CHECK(r.error().message.starts_with("invalid tile "));
    }
  }

  TEST_CASE("tiles built from hash storage hold every hash (TestTree)")
  {
    const Log& log = log100();
    CHECK(log.tiles.size() > 100);
    // A zero width reads the full tile.
    Storage s = log.storage;
    CHECK(tlog::read_tile_data({k_height, 0, 3, 0}, s).value()
          == log.tiles.at({k_height, 0, 3, 4}));
  }

  TEST_CASE("hashes and proofs read through a TileHashReader (TestTree)")
  {
    const Log& log = log100();
    for (std::int64_t i = 1; i <= 100; i++) {
      CAPTURE(i);
      const Hash& th = log.trees[static_cast<std::size_t>(i - 1)];
      TileStore store(log);
      tlog::TileHashReader thr({i, th}, store);
      for (std::int64_t j = 0; j < i; j++) {
        CAPTURE(j);
        const Hash& lh = log.leaf_hashes[static_cast<std::size_t>(j)];
        auto h = thr.read_hashes({tlog::stored_hash_index(0, j)});
        REQUIRE_MESSAGE(h, h.error().message);
        CHECK(*h == std::vector<Hash>{lh});
        auto p = tlog::prove_record(i, j, thr);
        REQUIRE_MESSAGE(p, p.error().message);
        CHECK(tlog::check_record(*p, i, th, j, lh));
      }
      CHECK(store.unsaved == 0);

      auto outside = thr.read_hashes({i * 2});
      REQUIRE_FALSE(outside);
      CHECK(outside.error().message == "indexes not in tree");
      CHECK_FALSE(thr.read_hashes({-1}));
      CHECK(store.unsaved == 0);

      for (std::int64_t j = 1; j <= i; j++) {
        CAPTURE(j);
        const Hash& h = log.trees[static_cast<std::size_t>(j - 1)];
        auto got = tlog::tree_hash(j, thr);
        REQUIRE_MESSAGE(got, got.error().message);
        CHECK(*got == h);
        auto p = tlog::prove_tree(i, j, thr);
        REQUIRE_MESSAGE(p, p.error().message);
        CHECK(tlog::check_tree(*p, i, th, j, h));
        for (std::size_t k = 0; k < p->size(); k++) {
          (*p)[k][0] ^= 1;
          CHECK_FALSE(tlog::check_tree(*p, i, th, j, h));
          (*p)[k][0] ^= 1;
        }
      }
      CHECK(store.unsaved == 0);
      CHECK(store.bad_saves == 0);
    }
  }

  TEST_CASE(
    "a TileHashReader reads every stored hash, one at a time or all at once "
    "(TestTileHashReader)")
  {
    const Log& log = log100();
    for (std::int64_t n = 1; n <= 100; n++) {
      CAPTURE(n);
      TileStore store(log);
      tlog::TileHashReader thr({n, log.trees[static_cast<std::size_t>(n - 1)]},
                               store);
      std::vector<std::int64_t> indexes = all_indexes(n);
      for (std::int64_t x : indexes) {
        auto h = thr.read_hashes({x});
        REQUIRE_MESSAGE(h, h.error().message);
        CHECK((*h)[0] == log.storage.hashes[static_cast<std::size_t>(x)]);
      }
      auto all = thr.read_hashes(indexes);
      REQUIRE_MESSAGE(all, all.error().message);
      CHECK(
        *all
        == std::vector<Hash>(log.storage.hashes.begin(),
                             log.storage.hashes.begin()
                               + static_cast<std::ptrdiff_t>(indexes.size())));
      // Any order, and repeats.
      auto some = thr.read_hashes({indexes.back(), 0, indexes.back()});
      REQUIRE(some);
      CHECK((*some)[0] == (*some)[2]);
      CHECK(store.unsaved == 0);
      CHECK(store.bad_saves == 0);
    }
  }

  TEST_CASE(
    "a zeroed hash in any tile is caught and nothing is saved "
    "(TestTileHashReader)")
  {
    // x/mod's TileHashReader fails this at 7 records: it returns and saves
    // an unchecked tile/2/0/000 (see authenticate_other_tiles).
    const Log& log = log100();
    for (std::int64_t n = 1; n <= 100; n++) {
      std::vector<std::int64_t> indexes = all_indexes(n);
      tlog::Tree tree{n, log.trees[static_cast<std::size_t>(n - 1)]};
      for (std::int64_t x : indexes) {
        CAPTURE(n);
        CAPTURE(x);
        ZeroIndex store(log, x);
        tlog::TileHashReader thz(tree, store);
        auto one = thz.read_hashes({x});
        REQUIRE_FALSE(one);
        CHECK(one.error().message == "downloaded inconsistent tile");
        auto all = thz.read_hashes(indexes);
        REQUIRE_FALSE(all);
        CHECK(all.error().message == "downloaded inconsistent tile");
        CHECK(store.saves == 0);
      }
    }
  }

  TEST_CASE(
    "a flipped byte in any tile a read fetches is caught and nothing is saved")
  {
    const Log& log = log100();
    for (std::int64_t n = 1; n <= 100; n += (n < 20 ? 1 : 7)) {
      tlog::Tree tree{n, log.trees[static_cast<std::size_t>(n - 1)]};
      for (std::int64_t x : all_indexes(n)) {
        for (std::size_t k = 0;; k++) {
          CAPTURE(n);
          CAPTURE(x);
          CAPTURE(k);
          FlipByte store(log, k, static_cast<std::size_t>(x * 31 + n));
          tlog::TileHashReader thz(tree, store);
          auto h = thz.read_hashes({x});
          if (!store.flipped) {
            REQUIRE(h); // k is past the last tile this read fetches
            break;
          }
          REQUIRE_FALSE(h);
          CHECK(h.error().message == "downloaded inconsistent tile");
          CHECK(store.saves == 0);
        }
      }
    }
  }

  TEST_CASE("a TileReader's malformed answers are errors, and nothing is saved")
  {
    const Log& log = log100();
    struct Bad final : TileStore
    {
      explicit Bad(const Log& l, int mode)
        : TileStore(l),
          m_mode(mode)
      {
      }
      gpx::Result<std::vector<std::string>>
      read_tiles(const std::vector<Tile>& tiles) override
      {
        auto out = TileStore::read_tiles(tiles);
        if (m_mode == 0) {
          out->pop_back();
        } else if (m_mode == 1) {
          out->back().push_back('x');
        } else if (m_mode == 2) {
          out->front().pop_back();
        } else {
          return gpx::make_error(gpx::Error::Code::upstream, "no tiles today");
        }
        return out;
      }
      int m_mode;
    };
    tlog::Tree tree{37, log.trees[36]};
    const std::string want[] = {"TileReader returned bad result slice (len=",
                                "TileReader returned bad result slice (tile/",
                                "TileReader returned bad result slice (tile/",
                                "no tiles today"};
    for (int mode = 0; mode < 4; mode++) {
      CAPTURE(mode);
      Bad store(log, mode);
      tlog::TileHashReader thr(tree, store);
      auto h = thr.read_hashes({5});
      REQUIRE_FALSE(h);
      CHECK(h.error().message.starts_with(want[mode]));
      CHECK(store.saves == 0);
    }
  }

  TEST_CASE("a TileHashReader for an empty, huge or ill-configured tree")
  {
    const Log& log = log100();
    TileStore store(log);
    tlog::TileHashReader empty({0, Hash{}}, store);
    CHECK(empty.read_hashes({}).value().empty());
    CHECK(empty.read_hashes({0}).error().message == "indexes not in tree");
    auto th = tlog::tree_hash(0, empty);
    CHECK(th);

    for (std::int64_t n :
         {std::int64_t{-1}, k_int64_max, std::int64_t{1} << 62}) {
      CAPTURE(n);
      tlog::TileHashReader huge({n, Hash{}}, store);
      CHECK_FALSE(huge.read_hashes({0}));
      CHECK_FALSE(huge.read_hashes({k_int64_max}));
    }
    // The largest tree we take: the planning math must not overflow, and
    // the tiles it asks for do not exist here.
    struct Refuse final : tlog::TileReader
    {
      int
      height() const override
      {
        return 30;
      }
      gpx::Result<std::vector<std::string>>
      read_tiles(const std::vector<Tile>& tiles) override
      {
        for (const Tile& t : tiles) {
          CHECK(t.w >= 1);
          CHECK(t.w <= 1 << 30);
          CHECK(tlog::parse_tile_path(t.path()).value() == t);
        }
        return gpx::make_error(gpx::Error::Code::not_found, "refused");
      }
      void
      save_tiles(const std::vector<Tile>&,
                 const std::vector<std::string>&) override
      {
        FAIL("saved");
      }
    } refuse;
    const std::int64_t max_tree = (std::int64_t{1} << 62) - 1;
    tlog::TileHashReader biggest({max_tree, Hash{}}, refuse);
    CHECK(biggest.read_hashes({0, tlog::stored_hash_index(0, max_tree) - 1})
            .error()
            .message
          == "refused");

    struct Height final : tlog::TileReader
    {
      explicit Height(int h)
        : m_h(h)
      {
      }
      int
      height() const override
      {
        return m_h;
      }
      gpx::Result<std::vector<std::string>>
      read_tiles(const std::vector<Tile>&) override
      {
        return std::vector<std::string>{};
      }
      void
      save_tiles(const std::vector<Tile>&,
                 const std::vector<std::string>&) override
      {
      }
      int m_h;
    };
    for (int h : {0, -1, 31, 64}) {
      Height bad(h);
      tlog::TileHashReader r({5, log.trees[4]}, bad);
      CHECK_FALSE(r.read_hashes({0}));
    }
  }
}
