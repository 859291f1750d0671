#include "../support/temp_dir.hpp"

#include <cache/store.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/sha256.hpp>

#include <doctest/doctest.h>

namespace fs = std::filesystem;
using gpx::cache::ArtifactRow;
using gpx::cache::parse_artifact_path;
using gpx::cache::Store;
using gpx::test::read_file;
using gpx::test::TempDir;

namespace {

ArtifactRow
mod_row(std::string path)
{
  ArtifactRow r;
  r.path = std::move(path);
  r.module = "example.com/m";
  r.version = "v1.0.0";
  r.kind = "mod";
  r.origin = "test";
  r.fetched_at = 1;
  r.last_used_at = 1;
  return r;
}

} // namespace

TEST_SUITE("cache")
{
  TEST_CASE("open creates the layout and leaves tmp/ to recover()")
  {
    TempDir tmp;
    // Maybe another process's download in progress: open must not touch it.
    tmp.write("cache/tmp/gpx.writing", "half a zip");
    auto store = Store::open(tmp.path() / "cache");
    REQUIRE(store);
    for (const char* sub : {"download", "tmp", "sumdb", "git"}) {
      CHECK(fs::is_directory(tmp.path() / "cache" / sub));
    }
    CHECK(fs::exists(tmp.path() / "cache/tmp/gpx.writing"));
    CHECK(fs::exists(tmp.path() / "cache" / "index.db"));
  }

  TEST_CASE(
    "a second process opening the cache does not break a write in progress")
  {
    TempDir tmp;
    auto agent = Store::open(tmp.path());
    REQUIRE(agent);
    auto w = (*agent)->begin_write();
    REQUIRE(w);
    REQUIRE(w->write("module example.com/m\n"));
    // `gpx prune` or `gpx stats` opening the same cache meanwhile.
    auto cli = Store::open(tmp.path());
    REQUIRE(cli);
    CHECK((*agent)->commit(std::move(*w),
                           mod_row("download/example.com/m/@v/v1.0.0.mod")));
    CHECK(
      (*cli)->find("download/example.com/m/@v/v1.0.0.mod").value().has_value());
  }

  TEST_CASE("put records size and sha256; find sees row and file together")
  {
    TempDir tmp;
    auto store = Store::open(tmp.path());
    REQUIRE(store);
    std::string path = "download/example.com/m/@v/v1.0.0.mod";
    REQUIRE((*store)->put("module example.com/m\n", mod_row(path)));
    CHECK(read_file(tmp.path() / path) == "module example.com/m\n");
    auto row = (*store)->find(path);
    REQUIRE(row);
    REQUIRE(row->has_value());
    CHECK((*row)->size == 21);
    gpx::gomod::Sha256 sha;
    sha.update("module example.com/m\n");
    CHECK((*row)->sha256 == sha.hex_digest());

    // A row whose file vanished is dropped, not served.
    fs::remove(tmp.path() / path);
    row = (*store)->find(path);
    REQUIRE(row);
    CHECK_FALSE(row->has_value());
    auto again =
      (*store)->with_index([&](auto& index) { return index.get(path); });
    REQUIRE(again);
    CHECK_FALSE(again->has_value());
  }

  TEST_CASE("an abandoned writer leaves neither file nor row")
  {
    TempDir tmp;
    auto store = Store::open(tmp.path());
    REQUIRE(store);
    {
      auto w = (*store)->begin_write();
      REQUIRE(w);
      REQUIRE(w->write("PK partial"));
    }
    CHECK(fs::is_empty(tmp.path() / "tmp"));
    auto totals =
      (*store)->with_index([](auto& index) { return index.totals(); });
    REQUIRE(totals);
    CHECK(totals->entries == 0);
  }

  TEST_CASE("usage is batched in memory and flushed in one go")
  {
    TempDir tmp;
    auto store = Store::open(tmp.path());
    REQUIRE(store);
    std::string path = "download/example.com/m/@v/v1.0.0.mod";
    REQUIRE((*store)->put("module example.com/m\n", mod_row(path)));
    (*store)->note_used(path, 500);
    (*store)->note_used(path, 400);
    auto before = (*store)->find(path);
    REQUIRE(before);
    CHECK((*before)->last_used_at == 1); // not written yet
    REQUIRE((*store)->flush_usage());
    auto after = (*store)->find(path);
    REQUIRE(after);
    CHECK((*after)->last_used_at == 500);
  }

  TEST_CASE("recover re-indexes orphans, drops dangling rows, removes junk")
  {
    TempDir tmp;
    std::string gomod = "module example.com/m\n\ngo 1.21\n";
    {
      auto store = Store::open(tmp.path());
      REQUIRE(store);
      REQUIRE(
        (*store)->put("x", mod_row("download/example.com/gone/@v/v1.0.0.mod")));
    }
    fs::remove(tmp.path() / "download/example.com/gone/@v/v1.0.0.mod");
    // Files written by a process that died between rename and index insert.
    tmp.write("download/example.com/!m/@v/v1.0.0.mod", gomod);
    tmp.write("download/example.com/!m/@v/list", "v1.0.0\n");
    tmp.write("download/example.com/!m/@v/master.info",
              "{\"Version\":\"v1.0.1-0.20230102030405-abcdefabcdef\"}");
    tmp.write("download/example.com/!m/@v/v2.0.0+incompatible.info",
              "{\"Version\":\"v2.0.0+incompatible\"}");
    tmp.write("download/example.com/m/@v/v1.0.0.zip", "not a zip");
    tmp.write("download/example.com/m/@v/notes.txt", "junk");
    tmp.write("download/Bad/@v/v1.0.0.mod", "module Bad\n");
    tmp.write("tmp/gpx.abc", "partial");

    auto store = Store::open(tmp.path());
    REQUIRE(store);
    tmp.write("tmp/gpx.def", "partial"); // appeared after open
    auto report = (*store)->recover();
    REQUIRE(report);
    CHECK(report->temporaries_removed == 2);
    CHECK(report->rows_dropped == 1);
    CHECK(report->files_indexed == 4);
    CHECK(report->files_removed == 3);
    CHECK_FALSE(
      fs::exists(tmp.path() / "download/example.com/m/@v/v1.0.0.zip"));
    CHECK_FALSE(fs::exists(tmp.path() / "download/Bad/@v/v1.0.0.mod"));

    auto mod = (*store)->find("download/example.com/!m/@v/v1.0.0.mod");
    REQUIRE(mod);
    REQUIRE(mod->has_value());
    CHECK((*mod)->module == "example.com/M");
    CHECK((*mod)->h1 == gpx::gomod::dirhash::hash_go_mod(gomod));
    CHECK_FALSE((*mod)->expires_at.has_value());
    // A canonical +incompatible version never changes either (the go
    // command's canonical form keeps the suffix).
    auto incompatible =
      (*store)->find("download/example.com/!m/@v/v2.0.0+incompatible.info");
    REQUIRE(incompatible);
    REQUIRE(incompatible->has_value());
    CHECK_FALSE((*incompatible)->expires_at.has_value());
    auto list = (*store)->find("download/example.com/!m/@v/list");
    REQUIRE(list);
    REQUIRE(list->has_value());
    CHECK((*list)->expires_at == 0); // mutable: comes back expired
    auto query = (*store)->find("download/example.com/!m/@v/master.info");
    REQUIRE(query);
    REQUIRE(query->has_value());
    CHECK((*query)->expires_at == 0);

    auto second = (*store)->recover();
    REQUIRE(second);
    CHECK(second->files_indexed == 0);
    CHECK(second->files_removed == 0);
  }

  TEST_CASE("parse_artifact_path reads the GOPROXY layout and nothing else")
  {
    auto z = parse_artifact_path(
      "download/github.com/!azure/sdk/v2/@v/v2.0.0-!r!c1.zip");
    REQUIRE(z);
    CHECK(z->module == "github.com/Azure/sdk/v2");
    CHECK(z->version == "v2.0.0-RC1");
    CHECK(z->kind == "zip");
    auto latest = parse_artifact_path("download/rsc.io/quote/@latest");
    REQUIRE(latest);
    CHECK(latest->kind == "latest");
    CHECK_FALSE(parse_artifact_path("download/rsc.io/quote/@v/master.zip"));
    CHECK_FALSE(parse_artifact_path("download/rsc.io/quote/@v/v1.2.mod"));
    CHECK_FALSE(parse_artifact_path("download/rsc.io/quote/@v/v1.0.0.exe"));
    CHECK_FALSE(parse_artifact_path("download/rsc.io/quote/v1.0.0.zip"));
    CHECK_FALSE(parse_artifact_path("sumdb/sum.golang.org/latest"));
    CHECK_FALSE(parse_artifact_path("download/rsc.io/quote/v2/@v/v1.0.0.mod"));
  }
}
