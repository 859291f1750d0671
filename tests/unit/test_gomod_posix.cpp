#include <gomod/posix.hpp>

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <utility>

namespace {

bool
is_open(int fd)
{
  return ::fcntl(fd, F_GETFD) != -1;
}

int
open_null()
{
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("Fd closes what it owns, once")
  {
    const int raw = open_null();
    {
      gpx::gomod::Fd fd(raw);
      CHECK(fd);
      CHECK(fd.get() == raw);
    }
    CHECK_FALSE(is_open(raw));
    CHECK_FALSE(gpx::gomod::Fd());
  }

  TEST_CASE("Fd moves ownership and gives it up on release")
  {
    const int raw = open_null();
    gpx::gomod::Fd a(raw);
    gpx::gomod::Fd b(std::move(a));
    CHECK_FALSE(
      a); // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    CHECK(b.get() == raw);

    const int other = open_null();
    gpx::gomod::Fd c(other);
    c = std::move(b);
    CHECK_FALSE(is_open(other));
    CHECK(c.get() == raw);

    CHECK(c.release() == raw);
    CHECK_FALSE(c);
    CHECK(is_open(raw));
    ::close(raw);
  }

  TEST_CASE("Fd::close reports close(2)'s result")
  {
    const int raw = open_null();
    gpx::gomod::Fd fd(raw);
    CHECK(fd.close() == 0);
    CHECK_FALSE(fd);
    CHECK_FALSE(is_open(raw));
    gpx::gomod::Fd empty;
    CHECK(empty.close() == -1);
  }

  TEST_CASE("Fd::reset closes and empties")
  {
    const int raw = open_null();
    gpx::gomod::Fd fd(raw);
    fd.reset();
    CHECK_FALSE(fd);
    CHECK_FALSE(is_open(raw));
    fd.reset(); // twice is harmless
    CHECK_FALSE(fd);
  }

  TEST_CASE("write_all writes everything, or says what failed on which file")
  {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    gpx::gomod::Fd r(fds[0]);
    gpx::gomod::Fd w(fds[1]);
    REQUIRE(gpx::gomod::write_all(w.get(), "hello", "write", "pipe"));
    char got[5];
    REQUIRE(::read(r.get(), got, sizeof got) == 5);
    CHECK(std::string_view(got, 5) == "hello");

    const int closed = open_null();
    ::close(closed);
    const gpx::Status st =
      gpx::gomod::write_all(closed, "x", "cannot write", "/tmp/f");
    REQUIRE_FALSE(st);
    CHECK(st.error().code == gpx::Error::Code::io);
    CHECK(st.error().message == "cannot write /tmp/f: Bad file descriptor");
  }

  TEST_CASE("io_error names the call, the file and the reason")
  {
    const gpx::Error e = gpx::gomod::io_error("open", "/x/go.mod", ENOENT);
    CHECK(e.code == gpx::Error::Code::io);
    CHECK(e.message == "open /x/go.mod: No such file or directory");
  }
}
