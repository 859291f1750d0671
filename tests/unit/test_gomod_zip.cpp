// gomod/zip.cpp against golang.org/x/mod/zip: x/mod's own txtar cases
// (zip/testdata, read in place) as interpreted by zip_test.go, its size-limit
// tables, and what the port adds (streaming, the content pass of check_zip).

#include "../support/temp_dir.hpp"
#include "../support/txtar.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace zip = gpx::gomod::zip;
namespace dirhash = gpx::gomod::dirhash;
using gpx::gomod::Version;
using gpx::test::TempDir;

namespace {

constexpr std::string_view k_empty_hash =
  "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

// ---------------------------------------------------------------------------
// x/mod's test data.

// readTest: the comment holds key=value lines; '#' starts a comment, so
// "path=\xff  # 0xFF" is the one-byte path.
struct XmodCase
{
  std::string name;
  std::string path;
  std::string version;
  std::string want_err;
  std::string hash;
  gpx::test::Txtar archive;
};

std::string
trim(std::string_view s)
{
  while (!s.empty()
         && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty()
         && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::vector<XmodCase>
load_cases(std::string_view subdir)
{
  fs::path dir = fs::path(GPX_XMOD_DIR) / "zip" / "testdata" / subdir;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") {
      paths.push_back(e.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<XmodCase> cases;
  for (const fs::path& p : paths) {
    XmodCase c;
    c.name = p.stem().string();
    c.archive = gpx::test::parse_txtar(gpx::test::read_file(p));
    std::string_view comment = c.archive.comment;
    while (!comment.empty()) {
      std::size_t eol = comment.find('\n');
      std::string_view line = comment.substr(0, eol);
      comment.remove_prefix(eol == std::string_view::npos ? comment.size()
                                                          : eol + 1);
      if (std::size_t hash = line.find('#'); hash != std::string_view::npos) {
        line = line.substr(0, hash);
      }
      std::string l = trim(line);
      if (l.empty()) {
        continue;
      }
      std::size_t eq = l.find('=');
      REQUIRE_MESSAGE(eq != std::string::npos,
                      p.string() << ": missing = in " << l);
      std::string key = trim(std::string_view(l).substr(0, eq));
      std::string value = trim(std::string_view(l).substr(eq + 1));
      if (key == "path") {
        c.path = value;
      } else if (key == "version") {
        c.version = value;
      } else if (key == "wantErr") {
        c.want_err = value;
      } else if (key == "hash") {
        c.hash = value;
      } else {
        FAIL(p.string() << ": unknown key " << key);
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

// Takes the "want" file out of the archive.
std::string
take_want(gpx::test::Txtar& ar)
{
  for (auto it = ar.files.begin(); it != ar.files.end(); ++it) {
    if (it->name == "want") {
      std::string want = it->data;
      ar.files.erase(it);
      return want;
    }
  }
  return {};
}

// formatCheckedFiles.
std::string
format_checked(const zip::CheckedFiles& cf)
{
  std::string out = "valid:\n";
  for (const auto& v : cf.valid) {
    out += v + "\n";
  }
  out += "\nomitted:\n";
  for (const auto& fe : cf.omitted) {
    out += fe.path + ": " + fe.error + "\n";
  }
  out += "\ninvalid:\n";
  for (const auto& fe : cf.invalid) {
    out += fe.path + ": " + fe.error + "\n";
  }
  return out;
}

// FileErrorList(cf.Invalid).Error(), which Err must return when only files
// are invalid.
std::string
file_error_list(const zip::CheckedFiles& cf)
{
  std::string out;
  for (const auto& fe : cf.invalid) {
    out += (out.empty() ? "" : "\n") + fe.path + ": " + fe.error;
  }
  return out;
}

std::string
err_text(const zip::CheckedFiles& cf)
{
  auto st = cf.err();
  return st ? std::string() : st.error().message;
}

void
replace_all(std::string& s, std::string_view from, std::string_view to)
{
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos;
       pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
}

// ---------------------------------------------------------------------------
// A minimal zip writer (stored entries only). libzip refuses duplicate
// names and honest sizes, and the tests need both broken.

std::uint32_t
crc32(std::string_view data)
{
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) {
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      }
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

struct RawEntry
{
  std::string name;
  std::string data;
  std::optional<std::uint32_t> declared_size; // a lie, if set
  std::optional<std::uint32_t> crc;           // likewise
  std::uint16_t method = 0;                   // 0 = stored
};

void
put16(std::string& out, std::uint16_t v)
{
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}

void
put32(std::string& out, std::uint32_t v)
{
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

void
write_raw_zip(const fs::path& p, const std::vector<RawEntry>& entries)
{
  std::string out;
  std::string central;
  for (const RawEntry& e : entries) {
    auto offset = static_cast<std::uint32_t>(out.size());
    std::uint32_t crc = e.crc.value_or(crc32(e.data));
    auto csize = static_cast<std::uint32_t>(e.data.size());
    std::uint32_t usize = e.declared_size.value_or(csize);
    auto name_len = static_cast<std::uint16_t>(e.name.size());
    put32(out, 0x04034b50);
    put16(out, 20);
    put16(out, 0);
    put16(out, e.method);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, crc);
    put32(out, csize);
    put32(out, usize);
    put16(out, name_len);
    put16(out, 0);
    out += e.name;
    out += e.data;

    put32(central, 0x02014b50);
    put16(central, 20);
    put16(central, 20);
    put16(central, 0);
    put16(central, e.method);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, csize);
    put32(central, usize);
    put16(central, name_len);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += e.name;
  }
  auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint16_t>(entries.size()));
  put16(out, static_cast<std::uint16_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, cd_offset);
  put16(out, 0);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  REQUIRE(f.good());
}

// extractTxtarToTempZip.
fs::path
txtar_to_zip(const TempDir& tmp, const gpx::test::Txtar& ar)
{
  std::vector<RawEntry> entries;
  for (const auto& f : ar.files) {
    entries.push_back({f.name, f.data, {}, {}, 0});
  }
  fs::path p = tmp.path() / "txtar.zip";
  write_raw_zip(p, entries);
  return p;
}

// extractTxtarToTempDir.
fs::path
txtar_to_dir(const TempDir& tmp, const gpx::test::Txtar& ar)
{
  fs::path dir = tmp.path() / "work";
  fs::create_directories(dir);
  for (const auto& f : ar.files) {
    fs::path p = dir / f.name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
    REQUIRE(out.good());
  }
  return dir;
}

std::vector<zip::File>
txtar_to_files(const gpx::test::Txtar& ar)
{
  std::vector<zip::File> files;
  for (const auto& f : ar.files) {
    files.push_back(zip::memory_file(f.name, f.data));
  }
  return files;
}

// A file of size bytes produced on demand, never held in memory: x/mod's
// fakeFile with nil data (zeros), or a byte pattern.
class GeneratedReader : public zip::Reader
{
public:
  GeneratedReader(std::uint64_t size, bool pattern)
    : m_left(size),
      m_pattern(pattern)
  {
  }
  gpx::Result<std::size_t>
  read(std::span<char> buf) override
  {
    std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), m_left));
    for (std::size_t i = 0; i < n; ++i, ++m_pos) {
      // Compressible, but not trivially: deflate stays fast, the content
      // still depends on position.
      buf[i] = m_pattern
                 ? static_cast<char>('a' + (m_pos / 7 + m_pos / 4099) % 26)
                 : '\0';
    }
    m_left -= n;
    return n;
  }

private:
  std::uint64_t m_left;
  std::uint64_t m_pos = 0;
  bool m_pattern;
};

zip::File
generated_file(std::string path, std::uint64_t size, bool pattern = false)
{
  zip::File f;
  f.path = std::move(path);
  f.size = size;
  f.open = [size, pattern]() -> gpx::Result<std::unique_ptr<zip::Reader>> {
    return std::unique_ptr<zip::Reader>(
      std::make_unique<GeneratedReader>(size, pattern));
  };
  return f;
}

std::string
status_text(const gpx::Status& st)
{
  return st ? std::string() : st.error().message;
}

bool
contains(std::string_view haystack, std::string_view needle)
{
  return haystack.find(needle) != std::string_view::npos;
}

long
max_rss_kib()
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

} // namespace

TEST_SUITE("gomod::zip")
{
  // Runs first (doctest orders by file and line) so that the process's peak
  // RSS is still low and an entry read whole would show in it.
  //
  // Checked once by hand at full size: 4 x 120 MiB of /dev/urandom plus a
  // go.mod, zipped by create_from_dir into a 503,396,602-byte zip (the limit
  // is 524,288,000), then each step in its own process under
  //   /usr/bin/time -v ./driver {create|check|hash|unzip} big.zip
  // (driver: a main() calling the one function). Maximum resident set size:
  // create_from_dir 8.2 MB, check_zip 5.8 MB, hash_zip 7.6 MB, unzip 5.7 MB.
  // Go's x/mod CheckZip and HashZip agreed on the zip and its h1:.
  TEST_CASE("streaming: check_zip, hash_zip and unzip keep memory bounded")
  {
    constexpr std::uint64_t k_size = 64u << 20;
    TempDir tmp;
    fs::path src = tmp.path() / "src";
    fs::create_directories(src);
    {
      // Written in chunks: the test must not hold the file either.
      GeneratedReader gen(k_size, true);
      std::ofstream out(src / "big.dat", std::ios::binary);
      std::vector<char> buf(1 << 16);
      for (;;) {
        auto n = gen.read(buf);
        REQUIRE(n);
        if (*n == 0) {
          break;
        }
        out.write(buf.data(), static_cast<std::streamsize>(*n));
      }
      REQUIRE(out.good());
    }
    tmp.write("src/go.mod", "module example.com/big\n");
    Version m{"example.com/big", "v1.0.0"};
    fs::path z = tmp.path() / "big.zip";
    long before = max_rss_kib();
    REQUIRE(status_text(zip::create_from_dir(z, m, src)) == "");

    auto cf = zip::check_zip(m, z);
    REQUIRE(cf);
    CHECK(status_text(cf->err()) == "");
    CHECK(cf->valid.size() == 2);
    auto from_zip = dirhash::hash_zip(z);
    REQUIRE(from_zip);
    auto from_dir = dirhash::hash_dir(src, "example.com/big@v1.0.0");
    REQUIRE(from_dir);
    CHECK(*from_zip == *from_dir);
    fs::path out = tmp.path() / "out";
    REQUIRE(status_text(zip::unzip(out, m, z)) == "");
    auto from_unzip = dirhash::hash_dir(out, "example.com/big@v1.0.0");
    REQUIRE(from_unzip);
    CHECK(*from_unzip == *from_dir);

    long growth_kib = max_rss_kib() - before;
    MESSAGE("peak RSS growth over create/check/hash/unzip of a 64 MiB entry: "
            << growth_kib << " KiB");
    // Loading the entry (or the zip) whole anywhere would add 64 MiB.
    CHECK(growth_kib < 32 * 1024);
  }

  TEST_CASE("x/mod testdata: check_files")
  {
    auto cases = load_cases("check_files");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      std::string want = take_want(c.archive);
      auto cf = zip::check_files(txtar_to_files(c.archive));
      CHECK(format_checked(cf) == want);
      CHECK(err_text(cf) == file_error_list(cf));
    }
    MESSAGE("check_files cases: " << cases.size());
  }

  TEST_CASE("x/mod testdata: check_dir")
  {
    auto cases = load_cases("check_dir");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      std::string want = take_want(c.archive);
      TempDir tmp;
      fs::path dir = txtar_to_dir(tmp, c.archive);
      auto cf = zip::check_dir(dir);
      REQUIRE_MESSAGE(cf, cf.error().message);
      std::string got = format_checked(*cf);
      replace_all(got, dir.string(), "$work");
      CHECK(got == want);
      CHECK(err_text(*cf) == file_error_list(*cf));
    }
    MESSAGE("check_dir cases: " << cases.size());
  }

  TEST_CASE("x/mod testdata: check_zip")
  {
    auto cases = load_cases("check_zip");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      std::string want = take_want(c.archive);
      TempDir tmp;
      auto cf =
        zip::check_zip({c.path, c.version}, txtar_to_zip(tmp, c.archive));
      REQUIRE_MESSAGE(cf, cf.error().message);
      CHECK(format_checked(*cf) == want);
      CHECK(err_text(*cf) == file_error_list(*cf));
    }
    MESSAGE("check_zip cases: " << cases.size());
  }

  TEST_CASE("x/mod testdata: create")
  {
    auto cases = load_cases("create");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      TempDir tmp;
      fs::path out = tmp.path() / "m.zip";
      auto st =
        zip::create(out, {c.path, c.version}, txtar_to_files(c.archive));
      if (!c.want_err.empty()) {
        REQUIRE_FALSE(st);
        CHECK_MESSAGE(contains(st.error().message, c.want_err),
                      st.error().message << " does not contain " << c.want_err);
        CHECK_FALSE(fs::exists(out));
        continue;
      }
      REQUIRE_MESSAGE(st, st.error().message);
      auto h = dirhash::hash_zip(out);
      REQUIRE(h);
      CHECK(*h == c.hash);
      // What create writes, check_zip accepts.
      auto cf = zip::check_zip({c.path, c.version}, out);
      REQUIRE(cf);
      CHECK(status_text(cf->err()) == "");
    }
    MESSAGE("create cases: " << cases.size());
  }

  TEST_CASE("x/mod testdata: create_from_dir")
  {
    auto cases = load_cases("create_from_dir");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      TempDir tmp;
      fs::path dir = txtar_to_dir(tmp, c.archive);
      fs::path out = tmp.path() / "m.zip";
      auto st = zip::create_from_dir(out, {c.path, c.version}, dir);
      if (!c.want_err.empty()) {
        REQUIRE_FALSE(st);
        CHECK_MESSAGE(contains(st.error().message, c.want_err),
                      st.error().message << " does not contain " << c.want_err);
        continue;
      }
      REQUIRE_MESSAGE(st, st.error().message);
      auto h = dirhash::hash_zip(out);
      REQUIRE(h);
      CHECK(*h == c.hash);
    }
    MESSAGE("create_from_dir cases: " << cases.size());
  }

  TEST_CASE("x/mod testdata: unzip")
  {
    auto cases = load_cases("unzip");
    REQUIRE(!cases.empty());
    for (auto& c : cases) {
      CAPTURE(c.name);
      TempDir tmp;
      fs::path z = txtar_to_zip(tmp, c.archive);
      fs::path dir = tmp.path() / "out";
      fs::create_directories(dir);
      auto st = zip::unzip(dir, {c.path, c.version}, z);
      if (!c.want_err.empty()) {
        REQUIRE_FALSE(st);
        CHECK_MESSAGE(contains(st.error().message, c.want_err),
                      st.error().message << " does not contain " << c.want_err);
        continue;
      }
      REQUIRE_MESSAGE(st, st.error().message);
      auto h = dirhash::hash_dir(dir, c.path + "@" + c.version + "/");
      REQUIRE(h);
      CHECK(*h == c.hash);
    }
    MESSAGE("unzip cases: " << cases.size());
  }

  // TestCreateFromDirSpecial.
  TEST_CASE("create_from_dir: empty directories, symlinks, a vendor root")
  {
    Version m{"example.com/m", "v1.0.0"};
    SUBCASE("ignore_empty_dir")
    {
      TempDir tmp;
      fs::create_directories(tmp.path() / "src" / "empty");
      REQUIRE(
        zip::create_from_dir(tmp.path() / "m.zip", m, tmp.path() / "src"));
      CHECK(*dirhash::hash_zip(tmp.path() / "m.zip") == k_empty_hash);
    }
    SUBCASE("ignore_symlink")
    {
      TempDir tmp;
      fs::create_directories(tmp.path() / "src");
      fs::create_directory_symlink(tmp.path() / "src",
                                   tmp.path() / "src" / "link");
      REQUIRE(
        zip::create_from_dir(tmp.path() / "m.zip", m, tmp.path() / "src"));
      CHECK(*dirhash::hash_zip(tmp.path() / "m.zip") == k_empty_hash);
      auto cf = zip::check_dir(tmp.path() / "src");
      REQUIRE(cf);
      REQUIRE(cf->omitted.size() == 1);
      CHECK(cf->omitted[0].error == "not a regular file");
    }
    SUBCASE("dir_is_vendor")
    {
      TempDir tmp;
      tmp.write("vendor/go.mod", "module example.com/m\n\ngo 1.13\n");
      REQUIRE(
        zip::create_from_dir(tmp.path() / "m.zip", m, tmp.path() / "vendor"));
      CHECK(*dirhash::hash_zip(tmp.path() / "m.zip")
            == "h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok=");
    }
  }

  // sizeLimitTests, for the checks that read nothing: CheckFiles, Create's
  // refusals, and CheckZip/Unzip on zips whose headers declare the sizes.
  // The accepted 500 MiB cases are in the slow test below.
  TEST_CASE("size limits (x/mod sizeLimitTests)")
  {
    constexpr std::uint64_t max = zip::k_max_zip_file;
    struct SizeCase
    {
      const char* desc;
      std::vector<std::pair<std::string, std::uint64_t>> files;
      const char* want_check_files_err; // also Create's
      const char* want_check_zip_err;   // also Unzip's
      bool slow;
    };
    const SizeCase cases[] = {
      {"one_large", {{"large.go", max}}, "", "", true},
      {"one_too_large",
       {{"large.go", max + 1}},
       "module source tree too large",
       "total uncompressed size of module contents too large",
       false},
      {"total_large", {{"small.go", 10}, {"large.go", max - 10}}, "", "", true},
      {"total_too_large",
       {{"small.go", 10}, {"large.go", max - 9}},
       "module source tree too large",
       "total uncompressed size of module contents too large",
       false},
      {"large_gomod", {{"go.mod", zip::k_max_go_mod}}, "", "", false},
      {"too_large_gomod",
       {{"go.mod", zip::k_max_go_mod + 1}},
       "go.mod file too large",
       "go.mod file too large",
       false},
      {"large_license", {{"LICENSE", zip::k_max_license}}, "", "", false},
      {"too_large_license",
       {{"LICENSE", zip::k_max_license + 1}},
       "LICENSE file too large",
       "LICENSE file too large",
       false},
    };
    Version m{"example.com/large", "v1.0.0"};
    for (const auto& tc : cases) {
      CAPTURE(tc.desc);
      std::vector<zip::File> files;
      for (const auto& [name, size] : tc.files) {
        files.push_back(generated_file(name, size));
      }
      CHECK(contains(status_text(zip::check_files(files).err()),
                     tc.want_check_files_err));
      CHECK((status_text(zip::check_files(files).err()).empty()
             == std::string_view(tc.want_check_files_err).empty()));
      if (tc.slow) {
        continue;
      }
      TempDir tmp;
      auto st = zip::create(tmp.path() / "m.zip", m, files);
      CHECK(contains(status_text(st), tc.want_check_files_err));
      CHECK(status_text(st).empty()
            == std::string_view(tc.want_check_files_err).empty());

      // The zip's headers declare the sizes; accepted ones must be honest
      // (check_zip reads them through), refused ones need not be.
      std::vector<RawEntry> entries;
      const bool refused = *tc.want_check_zip_err != '\0';
      for (const auto& [name, size] : tc.files) {
        RawEntry e{"example.com/large@v1.0.0/" + name, "", {}, {}, 0};
        if (refused) {
          e.declared_size = static_cast<std::uint32_t>(size);
        } else {
          e.data.assign(size, '\0');
        }
        entries.push_back(std::move(e));
      }
      fs::path z = tmp.path() / "raw.zip";
      write_raw_zip(z, entries);
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      CHECK(contains(status_text(cf->err()), tc.want_check_zip_err));
      CHECK(status_text(cf->err()).empty() == !refused);
      auto un = zip::unzip(tmp.path() / "out", m, z);
      CHECK(contains(status_text(un), tc.want_check_zip_err));
      CHECK(status_text(un).empty() == !refused);
    }

    SUBCASE("negative (a uint64 size that Go sees as negative)")
    {
      auto cf =
        zip::check_files({generated_file("neg.go", 0x8000000000000000u)});
      CHECK(contains(status_text(cf.err()), "module source tree too large"));
    }
    SUBCASE("size_is_a_lie (create)")
    {
      TempDir tmp;
      zip::File f = zip::memory_file("lie.go", "package large");
      f.size = 1;
      CHECK(status_text(zip::check_files({f}).err()).empty());
      auto st = zip::create(tmp.path() / "m.zip", m, {f});
      CHECK(contains(status_text(st), "larger than declared size"));
      // Neither the zip nor a temporary is left behind.
      CHECK(fs::is_empty(tmp.path()));
    }
  }

  TEST_CASE("size limits at 500 MiB (slow)" * doctest::skip())
  {
    constexpr std::uint64_t max = zip::k_max_zip_file;
    Version m{"example.com/large", "v1.0.0"};
    for (const auto& files :
         {std::vector<zip::File>{generated_file("large.go", max)},
          std::vector<zip::File>{generated_file("small.go", 10),
                                 generated_file("large.go", max - 10)}}) {
      TempDir tmp;
      fs::path z = tmp.path() / "m.zip";
      REQUIRE(status_text(zip::create(z, m, files)) == "");
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      CHECK(status_text(cf->err()) == "");
      CHECK(dirhash::hash_zip(z));
    }
  }

  // TestUnzipSizeLimitsSpecial.
  TEST_CASE("unzip: zip file size and lying headers")
  {
    Version m{"example.com/m", "v1.0.0"};
    SUBCASE("large_zip: exactly the limit is parsed, and isn't a zip")
    {
      TempDir tmp;
      fs::path z = tmp.path() / "m.zip";
      {
        std::ofstream(z).flush();
      }
      fs::resize_file(z, zip::k_max_zip_file); // sparse
      auto st = zip::unzip(tmp.path() / "out", m, z);
      CHECK(contains(status_text(st), "not a valid zip file"));
    }
    SUBCASE("too_large_zip: refused before parsing")
    {
      TempDir tmp;
      fs::path z = tmp.path() / "m.zip";
      {
        std::ofstream(z).flush();
      }
      fs::resize_file(z, zip::k_max_zip_file + 1);
      auto st = zip::unzip(tmp.path() / "out", m, z);
      CHECK(contains(status_text(st), "module zip file is too large"));
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      CHECK(contains(cf->size_error, "module zip file is too large"));
    }
    SUBCASE("size_is_a_lie: a deflated go.mod declared smaller than it is")
    {
      // As x/mod does it: a real zip, then both copies of the size patched.
      TempDir tmp;
      fs::path z = tmp.path() / "m.zip";
      REQUIRE(zip::create(
        z, m, {zip::memory_file("go.mod", std::string(0x0BAD, '\0'))}));
      std::string data = gpx::test::read_file(z);
      const std::string real_size("\xAD\x0B\x00\x00", 4);
      const std::string fake_size("\xAC\x00\x00\x00", 4);
      int replaced = 0;
      for (std::size_t pos = 0;
           (pos = data.find(real_size, pos)) != std::string::npos;
           ++pos) {
        data.replace(pos, 4, fake_size);
        ++replaced;
      }
      REQUIRE(replaced == 2);
      {
        std::ofstream out(z, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
      }
      auto st = zip::unzip(tmp.path() / "out", m, z);
      CHECK_MESSAGE(
        contains(
          status_text(st),
          "uncompressed size of file example.com/m@v1.0.0/go.mod is larger "
          "than declared size"),
        status_text(st));
      // check_zip reads the entry through and notices too; x/mod's would not.
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      REQUIRE(cf->invalid.size() == 1);
      CHECK(contains(cf->invalid[0].error, "larger than declared size"));
      CHECK_FALSE(dirhash::hash_zip(z));
    }
  }

  TEST_CASE("check_zip: the content pass and what Go could not read")
  {
    Version m{"example.com/m", "v1.0.0"};
    const std::string p = "example.com/m@v1.0.0/";
    TempDir tmp;
    fs::path z = tmp.path() / "m.zip";
    SUBCASE("declared larger than the content")
    {
      write_raw_zip(z, {{p + "a.go", "package a\n", 100, {}, 0}});
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      CHECK(cf->valid.empty());
      REQUIRE(cf->invalid.size() == 1);
      CHECK(cf->invalid[0].path == p + "a.go");
      CHECK_FALSE(cf->err());
    }
    SUBCASE("bad CRC")
    {
      write_raw_zip(z, {{p + "a.go", "package a\n", {}, 0x12345678u, 0}});
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      REQUIRE(cf->invalid.size() == 1);
      CHECK(contains(cf->invalid[0].error, "CRC"));
      CHECK_FALSE(dirhash::hash_zip(z));
      CHECK_FALSE(zip::unzip(tmp.path() / "out", m, z));
    }
    SUBCASE("compression Go's archive/zip lacks (bzip2)")
    {
      write_raw_zip(z, {{p + "a.go", "BZh9garbage", {}, {}, 12}});
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      REQUIRE(cf->invalid.size() == 1);
      CHECK(cf->invalid[0].error == "zip: unsupported compression algorithm");
    }
    SUBCASE("directory entries are tolerated, never valid files")
    {
      write_raw_zip(z,
                    {{p, "", {}, {}, 0},
                     {p + "sub/", "", {}, {}, 0},
                     {p + "sub/a.go", "package a\n", {}, {}, 0},
                     {p + "sub/", "", {}, {}, 0}});
      auto cf = zip::check_zip(m, z);
      REQUIRE(cf);
      CHECK(status_text(cf->err()) == "");
      CHECK(cf->valid == std::vector<std::string>{p + "sub/a.go"});
      REQUIRE(zip::unzip(tmp.path() / "out", m, z));
      CHECK(gpx::test::read_file(tmp.path() / "out" / "sub" / "a.go")
            == "package a\n");
      CHECK((fs::status(tmp.path() / "out" / "sub" / "a.go").permissions()
             & fs::perms::owner_write)
            == fs::perms::none);
    }
    SUBCASE("not a zip")
    {
      tmp.write("m.zip", "this is not a zip file, not even close to one");
      auto cf = zip::check_zip(m, z);
      REQUIRE_FALSE(cf);
      CHECK(cf.error().message == "zip: not a valid zip file");
      CHECK(dirhash::hash_zip(z).error().message
            == "zip: not a valid zip file");
    }
    SUBCASE("bad module version")
    {
      write_raw_zip(z, {});
      auto cf = zip::check_zip({"example.com/m", "v1.0"}, z);
      REQUIRE_FALSE(cf);
      CHECK(
        contains(cf.error().message,
                 "version \"v1.0\" is not canonical (should be \"v1.0.0\")"));
    }
  }

  TEST_CASE(
    "checked_h1 (check_zip_headers_err, then hash_zip) refuses what "
    "check_zip_err refuses")
  {
    Version m{"example.com/m", "v1.0.0"};
    const std::string p = "example.com/m@v1.0.0/";
    TempDir tmp;
    fs::path z = tmp.path() / "m.zip";
    auto both = [&] { return bool(zip::checked_h1(m, z)); };
    SUBCASE("a good zip passes both ways")
    {
      write_raw_zip(z, {{p + "a.go", "package a\n", {}, {}, 0}});
      CHECK(zip::check_zip_err(m, z));
      CHECK(both());
      CHECK(*zip::checked_h1(m, z) == *dirhash::hash_zip(z));
    }
    SUBCASE("content: declared sizes and CRCs, read by the hash")
    {
      for (const auto& e : std::vector<RawEntry>{
             {p + "a.go", "package a\n", 100, {}, 0},
             {p + "a.go", "package a\n", 3, {}, 0},
             {p + "a.go", "package a\n", {}, 0x12345678u, 0}}) {
        write_raw_zip(z, {e});
        CHECK_FALSE(zip::check_zip_err(m, z));
        CHECK(zip::check_zip_headers_err(m, z)); // headers alone are fine
        CHECK_FALSE(both());
      }
    }
    SUBCASE("rules on the headers, refused before any read")
    {
      for (const auto& e : std::vector<RawEntry>{
             {"other.com/x@v1.0.0/a.go", "package a\n", {}, {}, 0},
             {p + "a.go", "BZh9garbage", {}, {}, 12},
             {p + "sub/GO.MOD", "module x\n", {}, {}, 0}}) {
        write_raw_zip(z, {e});
        CHECK_FALSE(zip::check_zip_err(m, z));
        CHECK_FALSE(zip::check_zip_headers_err(m, z));
      }
    }
  }

  TEST_CASE("unzip: the target directory must be empty")
  {
    Version m{"example.com/m", "v1.0.0"};
    TempDir tmp;
    fs::path z = tmp.path() / "m.zip";
    REQUIRE(zip::create(z, m, {zip::memory_file("a.go", "package a\n")}));
    tmp.write("out/stale", "x");
    auto st = zip::unzip(tmp.path() / "out", m, z);
    CHECK(contains(status_text(st), "exists and is not empty"));
    REQUIRE(zip::unzip(tmp.path() / "fresh" / "nested", m, z));
    CHECK(gpx::test::read_file(tmp.path() / "fresh" / "nested" / "a.go")
          == "package a\n");
  }

  TEST_CASE("str_to_fold: strings.EqualFold equivalence")
  {
    struct Pair
    {
      const char* a;
      const char* b;
      bool equal;
    };
    const Pair pairs[] = {
      {"m.go", "M.GO", true},
      {"abc", "abc", true},
      {"k", "\u212A", true},            // KELVIN SIGN
      {"s", "\u017F", true},            // LATIN SMALL LETTER LONG S
      {"\u00E9.go", "\u00C9.GO", true}, // é / É
      {"\u00FF", "\u0178", true},       // ÿ / Ÿ
      {"\u0101", "\u0100", true},       // Latin Extended-A ā / Ā
      {"\u01C4", "\u01C6", true},       // Ǆ / ǆ (and ǅ)
      {"\u01C5", "\u01C6", true},
      {"\u03C3", "\u03A3", true}, // σ / Σ
      {"\u03C2", "\u03A3", true}, // ς / Σ
      {"\u00B5", "\u039C", true}, // MICRO SIGN / Μ
      {"\u0434", "\u0414", true}, // д / Д
      {"\u0451", "\u0401", true}, // ё / Ё
      {"\u00DF", "\u1E9E", true}, // ß / ẞ
      {"\u00DF", "ss", false},    // not a simple fold
      {"\u0130", "i", false},     // İ folds to nothing simple
      {"a", "b", false},
      {"\u00E9", "e", false},
    };
    for (const auto& p : pairs) {
      CAPTURE(p.a);
      CAPTURE(p.b);
      CHECK((zip::str_to_fold(p.a) == zip::str_to_fold(p.b)) == p.equal);
    }
    // The fast path returns lower-case ASCII unchanged.
    CHECK(zip::str_to_fold("example.com/m@v1.0.0/x.go")
          == "example.com/m@v1.0.0/x.go");
  }

  TEST_CASE("check_files: case-insensitive collisions beyond ASCII")
  {
    auto cf = zip::check_files({zip::memory_file("\u00E9t\u00E9.go", ""),
                                zip::memory_file("\u00C9T\u00C9.go", "")});
    REQUIRE(cf.invalid.size() == 1);
    CHECK(cf.invalid[0].error
          == "case-insensitive file name collision: \"\u00E9t\u00E9.go\" and \"\u00C9T\u00C9.go\"");
  }

  TEST_CASE(
    "check_files: vendoring depends on the go version of the root go.mod")
  {
    auto run = [](std::string gomod) {
      std::vector<zip::File> files{
        zip::memory_file("go.mod", std::move(gomod)),
        zip::memory_file("vendor/modules.txt", ""),
        zip::memory_file("vendor/x/y.go", ""),
        zip::memory_file("pkg/vendor/vendor.go", ""),
        zip::memory_file("pkg/vendor/foo/foo.go", "")};
      return zip::check_files(files).valid;
    };
    using V = std::vector<std::string>;
    // Before 1.24: modules.txt stays and pkg/vendor/vendor.go goes, the
    // compatibility bug that checksums depend on.
    CHECK(run("module example.com/m\n\ngo 1.23\n")
          == V{"go.mod", "vendor/modules.txt"});
    CHECK(run("module example.com/m\n") == V{"go.mod", "vendor/modules.txt"});
    // From 1.24: modules.txt goes, the nested vendor.go stays.
    CHECK(run("module example.com/m\n\ngo 1.24\n")
          == V{"go.mod", "pkg/vendor/vendor.go"});
    CHECK(run("module example.com/m\ngo 1.25.3 // comment\n")
          == V{"go.mod", "pkg/vendor/vendor.go"});
    CHECK(run("module example.com/m\ngo 1.24rc1\n")
          == V{"go.mod", "pkg/vendor/vendor.go"});
    // Lax forms that modfile.ParseLax repairs.
    CHECK(run("module example.com/m\ngo 1.24.x\n")
          == V{"go.mod", "pkg/vendor/vendor.go"});
    // A go line inside a block or repeated is not the go directive.
    CHECK(run("module example.com/m\nrequire (\n\tgo 1.24\n)\n")
          == V{"go.mod", "vendor/modules.txt"});
    CHECK(run("module example.com/m\ngo 1.24\ngo 1.24\n")
          == V{"go.mod", "vendor/modules.txt"});
  }

  TEST_CASE("check_files: file types and .hg_archival.txt")
  {
    zip::File link = zip::memory_file("link.go", "");
    link.type = zip::FileType::symlink;
    zip::File dev = zip::memory_file("dev", "");
    dev.type = zip::FileType::other;
    auto cf = zip::check_files({link,
                                dev,
                                zip::memory_file(".hg_archival.txt", ""),
                                zip::memory_file("sub/.hg_archival.txt", ""),
                                zip::memory_file("/abs.go", "")});
    CHECK(format_checked(cf)
          == "valid:\nsub/.hg_archival.txt\n\nomitted:\n"
             "link.go: file is a symbolic link\n"
             "dev: not a regular file\n"
             ".hg_archival.txt: file is inserted by 'hg archive' and is always omitted\n"
             "\ninvalid:\n/abs.go: file path is not relative\n");
  }

  TEST_CASE("create_from_dir: VCS directories are skipped only below the root")
  {
    TempDir tmp;
    tmp.write("m/.git/config", "x");
    tmp.write("m/a.go", "package a\n");
    tmp.write("m/sub/.svn/x", "x");
    tmp.write("m/.gitignore", "x");
    auto cf = zip::check_dir(tmp.path() / "m");
    REQUIRE(cf);
    std::string got = format_checked(*cf);
    replace_all(got, (tmp.path() / "m").string(), "$work");
    CHECK(got
          == "valid:\n$work/.gitignore\n$work/a.go\n\nomitted:\n"
             "$work/.git: directory is a version control repository\n"
             "$work/sub/.svn: directory is a version control repository\n\ninvalid:\n");
    // Creating over an existing file replaces it whole.
    fs::path out = tmp.path() / "m.zip";
    tmp.write("m.zip", "old");
    REQUIRE(
      zip::create_from_dir(out, {"example.com/m", "v1.0.0"}, tmp.path() / "m"));
    auto h = dirhash::hash_zip(out);
    REQUIRE(h);
    const std::string p = "example.com/m@v1.0.0/";
    CHECK(
      *h
      == *dirhash::hash1({{p + ".gitignore", dirhash::sha256_hex("x")},
                          {p + "a.go", dirhash::sha256_hex("package a\n")}}));
    // No temporary left beside it.
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path())) {
      ++entries;
    }
    CHECK(entries == 2);
  }
}
