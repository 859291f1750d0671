#include <agent/suggest.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using gpx::agent::closest;
using gpx::agent::edit_distance;

TEST_SUITE("agent")
{
  constexpr struct
  {
    std::string_view a, b;
    std::size_t want;
  } k_distances[] = {
    {"", "", 0},
    {"", "abc", 3},
    {"abc", "abc", 0},
    {"max_sise", "max_size", 1}, // substitution
    {"strat", "start", 1},       // swap of neighbours
    {"prefech", "prefetch", 1},  // insertion
    {"--josn", "--json", 1},
    {"statuss", "status", 1}, // deletion
    {"ca", "abc", 3}, // no substring edited twice (OSA, not full Damerau)
    {"kitten", "sitting", 3},
  };

  TEST_CASE("edit_distance")
  {
    for (const auto& tc : k_distances) {
      CAPTURE(tc.a);
      CAPTURE(tc.b);
      CHECK(edit_distance(tc.a, tc.b, 10) == tc.want);
      CHECK(edit_distance(tc.b, tc.a, 10) == tc.want);
    }
  }

  TEST_CASE("edit_distance stops past its limit")
  {
    CHECK(edit_distance("kitten", "sitting", 2) == 3);
    CHECK(edit_distance(std::string(100000, 'a'), "b", 2) == 3);
    CHECK(edit_distance(std::string(5000, 'a'), std::string(5000, 'b'), 2)
          == 3);
  }

  TEST_CASE("closest")
  {
    const std::vector<std::string> commands = {"init",
                                               "agent",
                                               "status",
                                               "prefetch",
                                               "prune",
                                               "projects",
                                               "ls",
                                               "zip",
                                               "mod"};
    CHECK(closest("prefech", commands) == "prefetch");
    CHECK(closest("stauts", commands) == "status");
    CHECK(closest("prnue", commands) == "prune");
    CHECK(closest("proj", commands) == "projects"); // a prefix
    CHECK(closest("frobnicate", commands) == std::nullopt);
    CHECK(closest("status", commands) == std::nullopt); // itself
    CHECK(closest("x", commands) == std::nullopt);
    // Two edits of a two-letter word leave nothing of it.
    CHECK(closest("xy", commands) == std::nullopt);
    CHECK(closest("lx", commands) == "ls");
    const std::vector<std::string> keys = {
      "max_size", "log_max_size", "split_size", "listen"};
    CHECK(closest("max_sise", keys) == "max_size");
    CHECK(closest("lisen", keys) == "listen");
  }
}
