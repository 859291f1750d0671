#include "../support/temp_dir.hpp"

#include <cache/lock.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

using gpx::cache::lock_holder;
using gpx::cache::ProcessLock;
using gpx::test::TempDir;

TEST_SUITE("cache")
{
  TEST_CASE(
    "one holder at a time; the refusal names it; release on destruction")
  {
    TempDir tmp;
    auto path = tmp.path() / "agent.lock";
    CHECK(lock_holder(path) == 0);
    {
      auto first = ProcessLock::acquire(path);
      REQUIRE(first);
      CHECK(lock_holder(path) == getpid());
      // flock locks belong to open files: a second open is refused, even
      // in the same process.
      auto second = ProcessLock::acquire(path);
      REQUIRE_FALSE(second);
      CHECK(second.error().message.find("pid " + std::to_string(getpid()))
            != std::string::npos);
      CHECK(second.error().message.find("already using this cache dir")
            != std::string::npos);
      ProcessLock moved = std::move(*first);
      CHECK_FALSE(ProcessLock::acquire(path));
    }
    CHECK(lock_holder(path) == 0);
    CHECK(ProcessLock::acquire(path));
  }

  TEST_CASE("a lock in a directory that cannot be written is a clear error")
  {
    auto r = ProcessLock::acquire("/nonexistent-dir/agent.lock");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("cannot open /nonexistent-dir/agent.lock")
          != std::string::npos);
  }
}
