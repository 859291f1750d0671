// gomod/zip_reader.cpp: the central directory read record by record, so
// that checking and hashing a zip keep a bounded number of bytes per file
// (check_zip_err, hash_zip), and zip64 archives of more than 65,535 files.
// The rules themselves are test_gomod_zip.cpp's.

#include "../support/temp_dir.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace zip = gpx::gomod::zip;
namespace dirhash = gpx::gomod::dirhash;
using gpx::gomod::Version;
using gpx::test::TempDir;

// Every operator new of this test binary is counted, so that a test can see
// the most heap C++ code held at once during one call. (zlib's inflater
// mallocs its own 40 KiB per reader; it is not counted and does not grow.)
namespace {

std::atomic<std::size_t> g_live{0};
std::atomic<std::size_t> g_peak{0};
constexpr std::size_t k_header = 16; // keeps malloc's 16-byte alignment

void*
counted_new(std::size_t n)
{
  auto* p = static_cast<char*>(std::malloc(n + k_header));
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  *reinterpret_cast<std::size_t*>(p) = n;
  const std::size_t live = g_live.fetch_add(n) + n;
  std::size_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p + k_header;
}

void
counted_delete(void* q) noexcept
{
  if (q == nullptr) {
    return;
  }
  char* p = static_cast<char*>(q) - k_header;
  g_live.fetch_sub(*reinterpret_cast<std::size_t*>(p));
  std::free(p);
}

} // namespace

void*
operator new(std::size_t n)
{
  return counted_new(n);
}
void*
operator new[](std::size_t n)
{
  return counted_new(n);
}
void
operator delete(void* p) noexcept
{
  counted_delete(p);
}
void
operator delete[](void* p) noexcept
{
  counted_delete(p);
}
void
operator delete(void* p, std::size_t) noexcept
{
  counted_delete(p);
}
void
operator delete[](void* p, std::size_t) noexcept
{
  counted_delete(p);
}

namespace {

// The most bytes f held beyond what was live when it started.
template<typename F>
std::size_t
peak_during(F&& f)
{
  const std::size_t base = g_live.load();
  g_peak = base;
  f();
  return g_peak.load() - base;
}

// A module zip of n files in directories of 100 ("p0001/f000001.go", 16
// bytes after the module prefix), written by zip::create; with more than
// 65,535 files libzip writes the zip64 end records.
fs::path
many_files_zip(const TempDir& tmp, const Version& m, int n, bool sorted = false)
{
  std::vector<zip::File> files;
  files.reserve(static_cast<std::size_t>(n) + 1);
  files.push_back(zip::memory_file("go.mod", "module " + m.path + "\n"));
  char name[32];
  for (int i = 1; i < n; ++i) {
    std::snprintf(name, sizeof name, "p%04d/f%06d.go", i / 100, i);
    files.push_back(
      zip::memory_file(name, "package p\n// " + std::to_string(i) + "\n"));
  }
  // Reversed: hash_zip keeps no names for a zip in sorted order, and this
  // one must take its sorting path, whose memory grows with the files.
  if (!sorted) {
    std::reverse(files.begin(), files.end());
  }
  fs::path z = tmp.path() / ("m" + std::to_string(n) + ".zip");
  REQUIRE(zip::create(z, m, files));
  return z;
}

// One zip of 70,000 files for every test that needs many (zip::create
// takes seconds to write it).
const fs::path&
shared_many_files_zip()
{
  static TempDir dir;
  static const fs::path z =
    many_files_zip(dir, Version{"example.com/many", "v1.0.0"}, 70'000);
  return z;
}

// A zip of stored entries written by hand, for what zip::create refuses to
// write: CRC 0, which Go's reader does not check, as for every entry here.
struct StoredEntry
{
  std::string name;
  std::string data;
  // A size to declare in a zip64 extra field instead of data's.
  std::optional<std::uint64_t> declared_size = std::nullopt;
};

std::string
stored_zip(const std::vector<StoredEntry>& entries)
{
  std::string out;
  std::string central;
  auto put = [](std::string& s, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
  };
  for (const auto& [name, data, declared_size] : entries) {
    const auto offset = out.size();
    put(out, 0x04034b50, 4);
    put(out, 20, 2);
    put(out, 0, 2);
    put(out, 0, 2); // stored
    put(out, 0, 4);
    put(out, 0, 4); // CRC
    put(out, data.size(), 4);
    put(out, data.size(), 4);
    put(out, name.size(), 2);
    put(out, 0, 2);
    out += name;
    out += data;
    put(central, 0x02014b50, 4);
    put(central, 20, 2);
    put(central, 20, 2);
    put(central, 0, 2);
    put(central, 0, 2);
    put(central, 0, 4);
    put(central, 0, 4);
    put(central, data.size(), 4);
    put(central, declared_size ? 0xFFFFFFFFu : data.size(), 4);
    put(central, name.size(), 2);
    put(central, declared_size ? 12 : 0, 2);
    put(central, 0, 4); // comment, disk
    put(central, 0, 2);
    put(central, 0, 4);
    put(central, offset, 4);
    central += name;
    if (declared_size) {
      put(central, 0x0001, 2); // zip64: the uncompressed size
      put(central, 8, 2);
      put(central, *declared_size, 8);
    }
  }
  const auto cd = out.size();
  out += central;
  put(out, 0x06054b50, 4);
  put(out, 0, 4);
  put(out, entries.size(), 2);
  put(out, entries.size(), 2);
  put(out, central.size(), 4);
  put(out, cd, 4);
  put(out, 0, 2);
  return out;
}

std::string
status_text(const gpx::Status& s)
{
  return s ? "" : s.error().message;
}

} // namespace

TEST_SUITE("gomod::zip::detail")
{
  // The agent checked a 135 MB zip of 135,561 files at 184 MB of RSS:
  // libzip's copy of the central directory, two copies of every path in the
  // collision check, every name again in hash_zip. Now each file costs a
  // fixed number of bytes, plus (hash_zip) the part of its name that differs
  // from the first name's.
  TEST_CASE(
    "check_zip_err and hash_zip keep a bounded number of bytes per file")
  {
    const Version m{"example.com/many", "v1.0.0"};
    constexpr int n = 70'000;
    const fs::path& z = shared_many_files_zip();
    // Buffers that do not grow with the zip: the central directory window
    // (128 KiB), content buffers (2 × 64 KiB), one 1 MiB block of names.
    constexpr std::size_t k_fixed = 2u << 20;
    // check: a 128-bit folded-name digest, 64 bits of the exact name's, a
    // reference and a length: 40 bytes, in a hash table's node and bucket.
    constexpr std::size_t k_check_per_file = 128;
    // hash: a 16-byte name reference, a 32-byte digest, a 4-byte sort slot,
    // and the name's own bytes (at most 16 here).
    constexpr std::size_t k_hash_per_file = 52 + 16 + 12;

    gpx::Status checked;
    const std::size_t check_peak =
      peak_during([&] { checked = zip::check_zip_err(m, z); });
    CHECK(status_text(checked) == "");
    MESSAGE("check_zip_err: " << check_peak << " bytes at most for " << n
                              << " files (" << check_peak / n << " a file)");
    CHECK(check_peak <= k_fixed + n * k_check_per_file);

    gpx::Result<std::string> h1 = std::string();
    const std::size_t hash_peak =
      peak_during([&] { h1 = dirhash::hash_zip(z); });
    REQUIRE(h1);
    MESSAGE("hash_zip: " << hash_peak << " bytes at most for " << n
                         << " files (" << hash_peak / n << " a file)");
    CHECK(hash_peak <= k_fixed + n * k_hash_per_file);
  }

  TEST_CASE("hash_zip keeps no names for a zip in sorted order")
  {
    TempDir tmp;
    const Version m{"example.com/many", "v1.0.0"};
    const fs::path z = many_files_zip(tmp, m, 20'000, true);
    gpx::Result<std::string> h1 = std::string();
    const std::size_t peak = peak_during([&] { h1 = dirhash::hash_zip(z); });
    REQUIRE(h1);
    MESSAGE("hash_zip of 20,000 files in sorted order: " << peak
                                                         << " bytes at most");
    // The central directory window and two 64 KiB buffers.
    CHECK(peak <= 512u * 1024);
  }

  TEST_CASE("a zip64 archive of more than 65,535 files reads like any other")
  {
    TempDir tmp;
    const Version m{"example.com/many", "v1.0.0"};
    constexpr int n = 70'000;
    const fs::path& z = shared_many_files_zip();
    auto cf = zip::check_zip(m, z);
    REQUIRE(cf);
    CHECK(status_text(cf->err()) == "");
    CHECK(cf->valid.size() == n);
    CHECK(cf->valid.front() == "example.com/many@v1.0.0/p0699/f069999.go");
    CHECK(cf->valid.back() == "example.com/many@v1.0.0/go.mod");

    // The same files, hashed from a directory, give the same h1.
    REQUIRE(status_text(zip::unzip(tmp.path() / "out", m, z)) == "");
    auto from_dir =
      dirhash::hash_dir(tmp.path() / "out", "example.com/many@v1.0.0");
    auto from_zip = dirhash::hash_zip(z);
    REQUIRE(from_dir);
    REQUIRE(from_zip);
    CHECK(*from_zip == *from_dir);
  }

  TEST_CASE(
    "a collision names the earlier path, read back from the central directory")
  {
    TempDir tmp;
    const Version m{"example.com/m", "v1.0.0"};
    // zip::create refuses collisions, so the zip is written by hand.
    const std::string prefix = "example.com/m@v1.0.0/";
    const std::string out =
      stored_zip({{prefix + "Dir/a.go", ""}, {prefix + "dir/b.go", ""}});
    tmp.write("m.zip", out);

    auto cf = zip::check_zip(m, tmp.path() / "m.zip");
    REQUIRE(cf);
    REQUIRE(cf->invalid.size() == 1);
    CHECK(cf->invalid[0].path == prefix + "dir/b.go");
    CHECK(cf->invalid[0].error
          == "case-insensitive file name collision: \"Dir\" and \"dir\"");
    CHECK(status_text(zip::check_zip_err(m, tmp.path() / "m.zip"))
          == prefix + "dir/b.go: case-insensitive file name collision: \"Dir\" and \"dir\"");

    // An end record that announces more headers than its directory can
    // hold is no zip (not a walk of 65,535 phantom records).
    std::string lying = out;
    lying[lying.size() - 22 + 10] = '\xFF';
    lying[lying.size() - 22 + 11] = '\x00';
    tmp.write("lying.zip", lying);
    auto bad = zip::check_zip(m, tmp.path() / "lying.zip");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "zip: not a valid zip file");
  }

  // HashZip lists a repeated name twice, each time with the hash of its
  // last entry (Go's map of names): the in-order walk leaves such a zip to
  // the sorting one.
  TEST_CASE("hash_zip: a repeated name is hashed from its last entry")
  {
    TempDir tmp;
    tmp.write("dup.zip",
              stored_zip({{"a", "first"}, {"b", "bee"}, {"a", "last"}}));
    auto h = dirhash::hash_zip(tmp.path() / "dup.zip");
    REQUIRE(h);
    const auto a = dirhash::FileDigest{"a", dirhash::sha256_hex("last")};
    CHECK(*h == *dirhash::hash1({a, a, {"b", dirhash::sha256_hex("bee")}}));
  }

  // A declared size of 2⁶⁴-1 once wrapped the reader's "one byte more"
  // to zero: it read nothing, forever.
  TEST_CASE("an entry declaring 2^64-1 bytes is read to its end, not forever")
  {
    TempDir tmp;
    const std::string p = "example.com/m@v1.0.0/";
    tmp.write("huge.zip",
              stored_zip({{p + "a.go", "package a\n", UINT64_MAX}}));
    auto h = dirhash::hash_zip(tmp.path() / "huge.zip");
    REQUIRE_FALSE(h);
    CHECK(h.error().message.find("smaller than declared size")
          != std::string::npos);
    auto cf =
      zip::check_zip({"example.com/m", "v1.0.0"}, tmp.path() / "huge.zip");
    REQUIRE(cf);
    CHECK(cf->size_error.find("too large") != std::string::npos);
  }

  TEST_CASE(
    "check_zip_err names the first 100 invalid files and counts the rest")
  {
    TempDir tmp;
    const Version m{"example.com/m", "v1.0.0"};
    // 150 entries outside the module's prefix, by create under another name.
    std::vector<zip::File> files;
    for (int i = 0; i < 150; ++i) {
      files.push_back(
        zip::memory_file("f" + std::to_string(i) + ".go", "package m\n"));
    }
    REQUIRE(zip::create(
      tmp.path() / "m.zip", Version{"example.com/other", "v1.0.0"}, files));
    auto st = zip::check_zip_err(m, tmp.path() / "m.zip");
    REQUIRE_FALSE(st);
    const std::string& text = st.error().message;
    CHECK(std::count(text.begin(), text.end(), '\n') == 100);
    CHECK(text.ends_with("\n(and 50 more invalid files)"));
    auto cf = zip::check_zip(m, tmp.path() / "m.zip");
    REQUIRE(cf);
    CHECK(cf->invalid.size() == 150);
  }
}

TEST_SUITE("gomod")
{
  TEST_CASE(
    "small entries (libdeflate, whole) and large ones (zlib, "
    "streamed) read the same bytes; a flipped byte fails either")
  {
    const Version m{"example.com/m", "v1.0.0"};
    const std::string p = "example.com/m@v1.0.0/";
    // Compressible, not trivially: numbered lines.
    auto text = [](std::size_t n) {
      std::string s;
      for (std::size_t i = 0; s.size() < n; ++i) {
        s += "// line " + std::to_string(i * 7919 % 100003) + "\n";
      }
      return s;
    };
    for (std::size_t size : {std::size_t{100} << 10, std::size_t{3} << 20}) {
      CAPTURE(size);
      TempDir tmp;
      const std::string content = text(size);
      REQUIRE(zip::create(
        tmp.path() / "m.zip", m, {zip::memory_file("a.go", content)}));
      auto h = dirhash::hash_zip(tmp.path() / "m.zip");
      REQUIRE_MESSAGE(h, h.error().message);
      CHECK(*h
            == *dirhash::hash1({{p + "a.go", dirhash::sha256_hex(content)}}));
      CHECK(zip::check_zip_err(m, tmp.path() / "m.zip"));

      std::string bytes = gpx::test::read_file(tmp.path() / "m.zip");
      REQUIRE(bytes.size() > 1000);
      bytes[bytes.size() / 2] =
        static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
      tmp.write("bad.zip", bytes);
      CHECK_FALSE(dirhash::hash_zip(tmp.path() / "bad.zip"));
      CHECK_FALSE(zip::check_zip_err(m, tmp.path() / "bad.zip"));
    }
  }
}
