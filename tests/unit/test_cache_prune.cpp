#include "../support/temp_dir.hpp"

#include <cache/prune.hpp>

#include <doctest/doctest.h>

#include <fstream>

namespace fs = std::filesystem;
using gpx::cache::ArtifactRow;
using gpx::cache::prune;
using gpx::cache::PruneOptions;
using gpx::cache::Store;
using gpx::test::TempDir;

namespace {

// Ten 100-byte artifacts, the i-th last used at time 1000 + i.
std::unique_ptr<Store>
filled(const TempDir& tmp)
{
  auto s = Store::open(tmp.path());
  REQUIRE(s);
  for (int i = 0; i < 10; ++i) {
    ArtifactRow r;
    r.path = "download/example.com/m" + std::to_string(i) + "/@v/v1.0.0.zip";
    r.module = "example.com/m" + std::to_string(i);
    r.version = "v1.0.0";
    r.kind = "zip";
    r.fetched_at = 1;
    r.last_used_at = 1000 + i;
    REQUIRE((*s)->put(std::string(100, 'z'), r));
  }
  return std::move(*s);
}

} // namespace

TEST_SUITE("cache")
{
  TEST_CASE("over the budget, the least recently used go first, down to 90%")
  {
    TempDir tmp;
    auto store = filled(tmp);
    store->note_used("download/example.com/m0/@v/v1.0.0.zip",
                     5000); // now the newest
    PruneOptions o;
    o.max_size = 500;
    auto r = prune(*store, o);
    REQUIRE(r);
    CHECK(r->bytes_before == 1000);
    CHECK(r->bytes_after == 400); // ≤ 450 = 90% of 500
    CHECK(r->entries_removed == 6);
    REQUIRE(r->removed.size() == 6);
    CHECK(r->removed.front() == "download/example.com/m1/@v/v1.0.0.zip");
    CHECK(r->removed.back() == "download/example.com/m6/@v/v1.0.0.zip");
    CHECK(fs::exists(tmp.path() / "download/example.com/m0/@v/v1.0.0.zip"));
    CHECK_FALSE(
      fs::exists(tmp.path() / "download/example.com/m1/@v/v1.0.0.zip"));
    auto totals = store->with_index([](auto& index) { return index.totals(); });
    REQUIRE(totals);
    CHECK(totals->bytes == 400);

    // Within the budget nothing happens.
    auto again = prune(*store, o);
    REQUIRE(again);
    CHECK(again->entries_removed == 0);
  }

  TEST_CASE("dry run, age bound and pinned artifacts")
  {
    TempDir tmp;
    auto store = filled(tmp);
    PruneOptions o;
    o.older_than = 1003;
    o.dry_run = true;
    auto r = prune(*store, o);
    REQUIRE(r);
    CHECK(r->entries_removed == 3);
    CHECK(fs::exists(tmp.path() / "download/example.com/m0/@v/v1.0.0.zip"));

    o.dry_run = false;
    o.pinned = [](const ArtifactRow& row) {
      return row.module == "example.com/m1";
    };
    r = prune(*store, o);
    REQUIRE(r);
    CHECK(r->entries_removed == 2);
    CHECK(fs::exists(tmp.path() / "download/example.com/m1/@v/v1.0.0.zip"));
    CHECK_FALSE(
      fs::exists(tmp.path() / "download/example.com/m2/@v/v1.0.0.zip"));
  }

  TEST_CASE("a file being read survives its eviction until closed")
  {
    TempDir tmp;
    auto store = filled(tmp);
    std::ifstream reader(tmp.path() / "download/example.com/m0/@v/v1.0.0.zip",
                         std::ios::binary);
    REQUIRE(reader);
    PruneOptions o;
    o.max_size = 100;
    REQUIRE(prune(*store, o));
    CHECK_FALSE(
      fs::exists(tmp.path() / "download/example.com/m0/@v/v1.0.0.zip"));
    std::string got(100, '\0');
    reader.read(got.data(), 100);
    CHECK(got == std::string(100, 'z'));
  }
}
