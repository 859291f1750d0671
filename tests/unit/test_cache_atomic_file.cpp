#include "../support/temp_dir.hpp"

#include <cache/atomic_file.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

namespace fs = std::filesystem;
using gpx::cache::AtomicFile;
using gpx::cache::write_file_atomic;
using gpx::test::read_file;
using gpx::test::TempDir;

TEST_SUITE("cache")
{
  TEST_CASE("write_file_atomic replaces the whole file and leaves no temporary")
  {
    TempDir tmp;
    auto dest = tmp.path() / "a" / "b.mod";
    fs::create_directories(dest.parent_path());
    REQUIRE(write_file_atomic(dest, "module old\n"));
    REQUIRE(write_file_atomic(dest, "module new\n"));
    CHECK(read_file(dest) == "module new\n");
    int entries = 0;
    for ([[maybe_unused]] const auto& e :
         fs::directory_iterator(dest.parent_path())) {
      ++entries;
    }
    CHECK(entries == 1);
    struct stat st
    {
    };
    REQUIRE(::stat(dest.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
  }

  TEST_CASE("an AtomicFile that is not committed leaves nothing behind")
  {
    TempDir tmp;
    fs::path tmp_path;
    {
      auto f = AtomicFile::create(tmp.path() / "tmp");
      REQUIRE(f);
      REQUIRE(f->write("partial"));
      tmp_path = f->tmp_path();
      CHECK(fs::exists(tmp_path));
    }
    CHECK_FALSE(fs::exists(tmp_path));
    CHECK(fs::is_empty(tmp.path() / "tmp"));
  }

  TEST_CASE("streamed writes commit into a new directory")
  {
    TempDir tmp;
    auto f = AtomicFile::create(tmp.path() / "tmp");
    REQUIRE(f);
    std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 16; ++i) {
      REQUIRE(f->write(chunk));
    }
    auto dest =
      tmp.path() / "download" / "example.com" / "m" / "@v" / "v1.0.0.zip";
    REQUIRE(f->commit(dest));
    CHECK(fs::file_size(dest) == 16 * chunk.size());
    CHECK(fs::is_empty(tmp.path() / "tmp"));
  }

  TEST_CASE("a destination that cannot be written is an error naming it")
  {
    TempDir tmp;
    auto blocker = tmp.write("file", "x");
    auto r = write_file_atomic(blocker / "sub" / "x", "data");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("file") != std::string::npos);
  }

  TEST_CASE(
    "modes: an existing file keeps its own, a new one follows the umask, a "
    "private one is 0600 in 0700")
  {
    TempDir tmp;
    auto mode_of = [](const fs::path& p) {
      struct stat st
      {
      };
      REQUIRE(::stat(p.c_str(), &st) == 0);
      return st.st_mode & 0777;
    };
    // A config at 0600 with a password in it stays 0600 when rewritten
    // (it became 0644 once, whatever the umask).
    auto config = tmp.write("config.toml",
                            "upstream = \"https://u:secret@proxy.example\"\n");
    ::chmod(config.c_str(), 0600);
    REQUIRE(write_file_atomic(
      config, "upstream = \"https://u:other@proxy.example\"\n"));
    CHECK(mode_of(config) == 0600);

    auto old_mask = ::umask(077);
    REQUIRE(write_file_atomic(tmp.path() / "new-077", "x"));
    ::umask(022);
    REQUIRE(write_file_atomic(tmp.path() / "new-022", "x"));
    ::umask(0);
    REQUIRE(gpx::cache::write_private_file(
      tmp.path() / "state" / "gpx" / "init.json", "{}"));
    ::umask(old_mask);
    CHECK(mode_of(tmp.path() / "new-077") == 0600);
    CHECK(mode_of(tmp.path() / "new-022") == 0644);
    CHECK(mode_of(tmp.path() / "state" / "gpx" / "init.json") == 0600);
    CHECK(mode_of(tmp.path() / "state" / "gpx") == 0700);
  }
}
