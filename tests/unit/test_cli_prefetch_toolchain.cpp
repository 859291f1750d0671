#include <cli/prefetch_toolchain.hpp>

#include <doctest/doctest.h>

using namespace gpx::cli;

TEST_SUITE("cli")
{
  TEST_CASE(
    "toolchain_module: golang.org/toolchain@v0.0.1-goV.GOOS-GOARCH, as "
    "cmd/go/internal/toolchain names it")
  {
    auto m = toolchain_module("go1.999testmod", "linux-amd64");
    REQUIRE(m);
    CHECK(m->str() == "golang.org/toolchain@v0.0.1-go1.999testmod.linux-amd64");
    m = toolchain_module("go1.22.9", "darwin-arm64");
    REQUIRE(m);
    CHECK(m->str() == "golang.org/toolchain@v0.0.1-go1.22.9.darwin-arm64");
    CHECK_FALSE(toolchain_module("", "linux-amd64"));
  }
}
