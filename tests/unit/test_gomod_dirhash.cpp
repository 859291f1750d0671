// gomod/dirhash.cpp against golang.org/x/mod/sumdb/dirhash (hash_test.go).

#include "../support/temp_dir.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace dirhash = gpx::gomod::dirhash;
namespace zip = gpx::gomod::zip;
using gpx::test::TempDir;

namespace {

// hash_test.go builds its expectations as htop("h1", "<h(data)>  <name>\n"...);
// these are those values, computed once with the same formula.
constexpr std::string_view k_abc_xyz =
  "h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=";
constexpr std::string_view k_prefix_abc_xyz =
  "h1:rLyfpGMAgqOnGE2aKOY5Xb6cOc0/YQhPjHBHBwkblhs=";
constexpr std::string_view k_empty =
  "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

dirhash::FileDigest
digest(std::string name, std::string_view data)
{
  return {std::move(name), dirhash::sha256_hex(data)};
}

} // namespace

TEST_SUITE("gomod::dirhash")
{
  TEST_CASE("sha256_hex")
  {
    CHECK(
      dirhash::sha256_hex("")
      == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(
      dirhash::sha256_hex("abc")
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  // TestHash1.
  TEST_CASE("hash1")
  {
    // Unsorted on purpose: Hash1 sorts.
    auto h = dirhash::hash1(
      {digest("xyz", "data for xyz"), digest("abc", "data for abc")});
    REQUIRE(h);
    CHECK(*h == k_abc_xyz);

    auto bad = dirhash::hash1(
      {digest("xyz", "data for xyz"), digest("a\nbc", "data for a\nbc")});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message
          == "dirhash: filenames with newlines are not supported");

    CHECK(*dirhash::hash1({}) == k_empty);
  }

  TEST_CASE("hash1 sorts names by bytes, as slices.Sort does")
  {
    // 'Z' < 'a' < 0xC3 (the first byte of "é"): byte order, not locale order.
    auto h1 = dirhash::hash1(
      {digest("a", "1"), digest("\u00E9", "2"), digest("Z", "3")});
    auto h2 = dirhash::hash1(
      {digest("Z", "3"), digest("a", "1"), digest("\u00E9", "2")});
    REQUIRE(h1);
    REQUIRE(h2);
    CHECK(*h1 == *h2);
  }

  // TestHashDir.
  TEST_CASE("hash_dir")
  {
    TempDir tmp;
    tmp.write("xyz", "data for xyz");
    tmp.write("abc", "data for abc");
    auto h = dirhash::hash_dir(tmp.path(), "prefix");
    REQUIRE(h);
    CHECK(*h == k_prefix_abc_xyz);
    // A trailing slash on the prefix changes nothing: names are joined.
    CHECK(*dirhash::hash_dir(tmp.path(), "prefix/") == k_prefix_abc_xyz);
  }

  // TestDirFiles: subdirectories are walked, names use forward slashes.
  TEST_CASE("hash_dir walks subdirectories")
  {
    TempDir tmp;
    tmp.write("xyz", "data for xyz");
    tmp.write("abc", "data for abc");
    tmp.write("subdir/xyz", "data for subdir xyz");
    auto h = dirhash::hash_dir(tmp.path(), "foo/bar@v2.3.4");
    REQUIRE(h);
    CHECK(*h
          == *dirhash::hash1(
            {digest("foo/bar@v2.3.4/abc", "data for abc"),
             digest("foo/bar@v2.3.4/xyz", "data for xyz"),
             digest("foo/bar@v2.3.4/subdir/xyz", "data for subdir xyz")}));
  }

  TEST_CASE("hash_dir errors")
  {
    TempDir tmp;
    auto file = tmp.write("file", "x");
    auto h = dirhash::hash_dir(file, "p");
    REQUIRE_FALSE(h);
    CHECK(h.error().message == file.string() + " is not a directory");
    CHECK_FALSE(dirhash::hash_dir(tmp.path() / "missing", "p"));
  }

  // TestHashZip, with the zip written by zip::create: the module prefix
  // stands in for "prefix/", and the content hash must not care who zipped.
  TEST_CASE("hash_zip")
  {
    TempDir tmp;
    fs::path z = tmp.path() / "m.zip";
    REQUIRE(zip::create(z,
                        {"example.com/m", "v1.0.0"},
                        {zip::memory_file("xyz", "data for xyz"),
                         zip::memory_file("abc", "data for abc")}));
    auto h = dirhash::hash_zip(z);
    REQUIRE(h);
    CHECK(
      *h
      == *dirhash::hash1({digest("example.com/m@v1.0.0/abc", "data for abc"),
                          digest("example.com/m@v1.0.0/xyz", "data for xyz")}));
    CHECK_FALSE(dirhash::hash_zip(tmp.path() / "missing.zip"));
  }

  // Zips made from git trees list their names sorted but for a LICENSE
  // appended at the end: hash_zip keeps no names for those; any order gives
  // the same hash.
  TEST_CASE("hash_zip: names in any order, a few out of order or all")
  {
    const gpx::gomod::Version m{"example.com/m", "v1.0.0"};
    const std::string p = "example.com/m@v1.0.0/";
    auto hash_of = [&](const std::vector<std::string>& order) {
      TempDir tmp;
      std::vector<zip::File> files;
      std::vector<dirhash::FileDigest> digests;
      for (const auto& name : order) {
        files.push_back(zip::memory_file(name, "data for " + name));
        digests.push_back(digest(p + name, "data for " + name));
      }
      REQUIRE(zip::create(tmp.path() / "m.zip", m, files));
      auto h = dirhash::hash_zip(tmp.path() / "m.zip");
      REQUIRE(h);
      CHECK(*h == *dirhash::hash1(digests));
      return *h;
    };
    const std::string sorted =
      hash_of({"LICENSE", "a.go", "b/c.go", "b/d.go", "e.go"});
    CHECK(hash_of({"a.go", "b/c.go", "b/d.go", "e.go", "LICENSE"}) == sorted);
    CHECK(hash_of({"e.go", "a.go", "b/c.go", "b/d.go", "LICENSE"}) == sorted);
    // More out of order than the in-order walk holds (1,024): sorted whole.
    std::vector<std::string> reversed;
    for (int i = 2000; i > 0; --i) {
      reversed.push_back("f" + std::to_string(i) + ".go");
    }
    hash_of(reversed);
  }

  // A zip whose files add up to more than 8 MiB is hashed on two threads,
  // the second reading the entries past half of the content: the hash is
  // the one-thread hash in either walk, and a broken entry in either half
  // is an error.
  TEST_CASE("hash_zip: a large zip, hashed on two threads")
  {
    const gpx::gomod::Version m{"example.com/m", "v1.0.0"};
    const std::string p = "example.com/m@v1.0.0/";
    // 1,100 files (more than the in-order walk holds out of order) of 8 KB:
    // 8.8 MB in all.
    std::vector<std::string> contents(1100);
    for (unsigned i = 0; i < contents.size(); ++i) {
      for (unsigned j = 0; contents[i].size() < 8000; ++j) {
        contents[i] += std::to_string(j * 2654435761u + i) + ' ';
      }
    }
    auto content = [&](int i) { return contents[static_cast<std::size_t>(i)]; };
    TempDir tmp;
    auto make = [&](const std::vector<int>& order, const fs::path& z) {
      std::vector<zip::File> files;
      std::vector<dirhash::FileDigest> digests;
      for (int i : order) {
        const std::string name = "f" + std::to_string(1000 + i) + ".go";
        files.push_back(zip::memory_file(name, content(i)));
        digests.push_back(digest(p + name, content(i)));
      }
      REQUIRE(zip::create(z, m, files));
      return *dirhash::hash1(digests);
    };
    std::vector<int> sorted;
    for (int i = 0; i < static_cast<int>(contents.size()); ++i) {
      sorted.push_back(i);
    }
    const std::vector<int> reversed(sorted.rbegin(), sorted.rend());
    // In order: the one-walk path.
    const auto want = make(sorted, tmp.path() / "m.zip");
    auto h = dirhash::hash_zip(tmp.path() / "m.zip");
    REQUIRE(h);
    CHECK(*h == want);
    // Reversed: the sorting path.
    CHECK(make(reversed, tmp.path() / "r.zip") == want);
    h = dirhash::hash_zip(tmp.path() / "r.zip");
    REQUIRE(h);
    CHECK(*h == want);
    // Four at once: the second threads are capped at the spare cores, and
    // the hashes that get none read on one thread.
    std::vector<std::thread> jobs;
    std::vector<std::string> got(4);
    for (std::size_t j = 0; j < got.size(); ++j) {
      jobs.emplace_back([&, j] {
        auto r =
          dirhash::hash_zip(tmp.path() / (j % 2 == 0 ? "m.zip" : "r.zip"));
        got[j] = r ? *r : r.error().message;
      });
    }
    for (auto& t : jobs) {
      t.join();
    }
    for (const auto& g : got) {
      CHECK(g == want);
    }
    // A byte broken in either half.
    for (double at : {0.25, 0.9}) {
      const fs::path z = tmp.path() / "broken.zip";
      fs::copy_file(
        tmp.path() / "m.zip", z, fs::copy_options::overwrite_existing);
      std::fstream f(z, std::ios::in | std::ios::out | std::ios::binary);
      const auto pos =
        static_cast<std::streamoff>(static_cast<double>(fs::file_size(z)) * at);
      char c = 0;
      f.seekg(pos);
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x55);
      f.seekp(pos);
      f.write(&c, 1);
      f.close();
      auto broken = dirhash::hash_zip(z);
      CAPTURE(at);
      REQUIRE_FALSE(broken);
      CHECK(broken.error().message.find("zip: ") != std::string::npos);
    }
  }

  TEST_CASE("hash_go_mod")
  {
    // From a go.sum in the go command's tests: rsc.io/quote v1.5.2/go.mod.
    CHECK(dirhash::hash_go_mod(
            "module \"rsc.io/quote\"\n\nrequire \"rsc.io/sampler\" v1.3.0\n")
          == "h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=");
  }
}
