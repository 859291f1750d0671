#include <gomod/result.hpp>

#include <doctest/doctest.h>

using gpx::Error;
using gpx::Result;

TEST_SUITE("gomod")
{
  TEST_CASE(
    "an error per code, each with its message; wrap puts context in front")
  {
    CHECK(Error::not_found("a").code == Error::Code::not_found);
    CHECK(Error::invalid("b").code == Error::Code::invalid);
    CHECK(Error::io("c").code == Error::Code::io);
    CHECK(Error::upstream("d").code == Error::Code::upstream);
    CHECK(Error::internal("e").code == Error::Code::internal);
    auto e =
      Error::invalid("go.mod file too large").wrap("rsc.io/quote@v1.5.2: zip");
    CHECK(e.code == Error::Code::invalid);
    CHECK(e.message == "rsc.io/quote@v1.5.2: zip: go.mod file too large");
  }

  TEST_CASE("a Result holds a value or an error")
  {
    Result<int> ok = 7;
    REQUIRE(ok);
    CHECK(*ok == 7);
    Result<int> bad = Error::io("disk full");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "disk full");
    CHECK(bad.value_or(3) == 3);
    gpx::Status fine;
    CHECK(fine);
    gpx::Status failed = Error::upstream("502");
    CHECK_FALSE(failed);
  }
}
