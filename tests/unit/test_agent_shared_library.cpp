#include <agent/shared_library.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

int g_loads = 0;

struct Api
{
  int value = 0;
};

gpx::Result<Api>
load()
{
  ++g_loads;
  return Api{42};
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "open_library: a missing library is an error naming what to "
    "install")
  {
    auto lib = gpx::agent::open_library("libgpx-no-such-library.so.0",
                                        "gpx-test (apt-get install nothing)");
    REQUIRE_FALSE(lib);
    const std::string& m = lib.error().message;
    CHECK(m.starts_with("cannot load libgpx-no-such-library.so.0 ("));
    CHECK(m.ends_with("): install gpx-test (apt-get install nothing)"));
  }

  TEST_CASE("open_library and bind_symbol: libc's strlen, and no such symbol")
  {
    auto lib = gpx::agent::open_library("libc.so.6", "libc6");
    REQUIRE(lib);
    std::size_t (*len)(const char*) = nullptr;
    REQUIRE(gpx::agent::bind_symbol(*lib, len, "strlen"));
    CHECK(len("gpx") == 3);
    void (*none)() = nullptr;
    CHECK_FALSE(gpx::agent::bind_symbol(*lib, none, "gpx_no_such_symbol"));
    CHECK((none == nullptr));
  }

  TEST_CASE("load_once loads once and keeps the result")
  {
    auto a = gpx::agent::load_once(load);
    auto b = gpx::agent::load_once(load);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == *b);
    CHECK((*a)->value == 42);
    CHECK(g_loads == 1);
  }
}
