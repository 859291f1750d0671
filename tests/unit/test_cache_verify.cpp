#include "../support/temp_dir.hpp"

#include <cache/verify.hpp>
#include <gomod/dirhash.hpp>

#include <doctest/doctest.h>

#include <fstream>

namespace fs = std::filesystem;
using gpx::cache::ArtifactRow;
using gpx::cache::Store;
using gpx::test::TempDir;

namespace {

ArtifactRow
mod_row(const std::string& module, const std::string& body)
{
  ArtifactRow r;
  r.path = "download/" + module + "/@v/v1.0.0.mod";
  r.module = module;
  r.version = "v1.0.0";
  r.kind = "mod";
  r.h1 = gpx::gomod::dirhash::hash_go_mod(body);
  r.origin = "test";
  return r;
}

} // namespace

TEST_SUITE("cache")
{
  TEST_CASE(
    "verify finds missing, truncated and altered files; repair removes them")
  {
    TempDir tmp;
    auto store = Store::open(tmp.path() / "cache");
    REQUIRE(store);
    auto& s = **store;
    for (const char* m : {"example.com/good",
                          "example.com/gone",
                          "example.com/cut",
                          "example.com/flipped"}) {
      auto body = std::string("module ") + m + "\n";
      REQUIRE(s.put(body, mod_row(m, body)));
    }
    auto report = gpx::cache::verify(s, false);
    REQUIRE(report);
    CHECK(report->checked == 4);
    CHECK(report->problems.empty());

    fs::remove(s.root() / "download/example.com/gone/@v/v1.0.0.mod");
    fs::resize_file(s.root() / "download/example.com/cut/@v/v1.0.0.mod", 3);
    {
      // Same size, one byte different: only the hashes tell.
      std::fstream f(s.root() / "download/example.com/flipped/@v/v1.0.0.mod",
                     std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(0);
      f.put('M');
    }
    report = gpx::cache::verify(s, false);
    REQUIRE(report);
    REQUIRE(report->problems.size() == 3);
    CHECK(report->problems[0].path == "download/example.com/cut/@v/v1.0.0.mod");
    CHECK(report->problems[0].what == "size 3, want 23");
    CHECK(report->problems[1].path
          == "download/example.com/flipped/@v/v1.0.0.mod");
    CHECK(report->problems[1].what.find("sha256") != std::string::npos);
    CHECK(report->problems[2].what == "missing");
    CHECK(report->removed == 0);

    report = gpx::cache::verify(s, true);
    REQUIRE(report);
    CHECK(report->removed == 3);
    CHECK_FALSE(
      fs::exists(s.root() / "download/example.com/flipped/@v/v1.0.0.mod"));
    report = gpx::cache::verify(s, false);
    REQUIRE(report);
    CHECK(report->checked == 1);
    CHECK(report->problems.empty());
  }
}
