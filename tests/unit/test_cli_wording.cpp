#include <cli/wording.hpp>

#include <doctest/doctest.h>

TEST_SUITE("cli")
{
  TEST_CASE("count")
  {
    using gpx::cli::count;
    CHECK(count(0, "file") == "0 files");
    CHECK(count(1, "file") == "1 file");
    CHECK(count(2, "file") == "2 files");
    CHECK(count(1, "entry", "entries") == "1 entry");
    CHECK(count(12, "entry", "entries") == "12 entries");
    CHECK(count(1, "corrupt file") == "1 corrupt file");
  }
}
