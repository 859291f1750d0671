#include <cli/prefetch_report.hpp>

#include <doctest/doctest.h>

#include <sstream>

using namespace gpx::cli;

TEST_SUITE("cli")
{
  TEST_CASE(
    "summary_line: module versions, zips and bytes, then what was cached and "
    "fetched; singular and plural")
  {
    struct Case
    {
      Summary s;
      const char* want;
    };
    const Case cases[] = {
      {{4, 4, 8704, 1, 3, 0, 0.21},
       "gpx prefetch: 4 module versions (4 zips, 8.5 KiB): 1 already cached, 3 "
       "fetched in 0.2s"},
      {{1, 1, 1843, 0, 1, 0, 0.05},
       "gpx prefetch: 1 module version (1 zip, 1.8 KiB): 0 already cached, 1 "
       "fetched in 0.1s"},
      {{2, 0, 10, 2, 0, 0, 1.0},
       "gpx prefetch: 2 module versions (0 zips, 10 B): 2 already cached, 0 "
       "fetched in 1.0s"},
      {{3, 2, 3 << 20, 1, 1, 1, 2.5},
       "gpx prefetch: 3 module versions (2 zips, 3.0 MiB): 1 already cached, 1 "
       "fetched, 1 failed in 2.5s"},
      {{0, 0, 0, 0, 0, 0, 0},
       "gpx prefetch: 0 module versions (0 zips, 0 B): 0 already cached, 0 "
       "fetched in 0.0s"},
    };
    for (const auto& c : cases) {
      CHECK(summary_line(c.s) == c.want);
    }
    CHECK(count_of(1, "zip", "zips") == "1 zip");
    CHECK(count_of(0, "zip", "zips") == "0 zips");
  }

  TEST_CASE(
    "Progress: a status line rewritten on a terminal, plain lines when piped, "
    "nothing when quiet")
  {
    auto run = [](ProgressMode mode) {
      std::ostringstream out;
      Progress p(mode, out);
      p.phase("resolving the graph: 3 modules");
      p.start_steps(2);
      p.step("a@v1.0.0");
      p.note("warning: something");
      p.step("b@v1.0.0");
      p.finish();
      return out.str();
    };
    CHECK(run(ProgressMode::terminal)
          == "\r\x1b[Kgpx prefetch: resolving the graph: 3 modules"
             "\r\x1b[Kgpx prefetch: [1/2] a@v1.0.0"
             "\r\x1b[Kgpx prefetch: warning: something\n"
             "\r\x1b[Kgpx prefetch: [2/2] b@v1.0.0"
             "\r\x1b[K");
    CHECK(run(ProgressMode::plain)
          == "gpx prefetch: resolving the graph: 3 modules\n"
             "gpx prefetch: [1/2] a@v1.0.0\n"
             "gpx prefetch: warning: something\n"
             "gpx prefetch: [2/2] b@v1.0.0\n");
    CHECK(run(ProgressMode::quiet).empty());
  }
}
