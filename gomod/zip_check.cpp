// x/mod/zip's checking: the rules every module file obeys (CheckFiles,
// CheckDir) and the checks of a zip file (CheckZip).

#include "zip.hpp"
#include "zip_detail.hpp"
#include "zip_reader.hpp"

#include <gomod/dirhash.hpp>
#include <gomod/format.hpp>
#include <gomod/modfile.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace fs = std::filesystem;

namespace gpx::gomod::zip {

using detail::check_files_impl;
using detail::check_module;
using detail::check_zip_file;
using detail::declares_go_1_24;
using detail::DirListing;
using detail::FileCheck;
using detail::is_vendored_package;
using detail::k_chunk;
using detail::list_files_in_dir;
using detail::read_limited;
using detail::verdict;
using detail::zip_prefix;
using detail::ZipCheck;

namespace {

// ---------------------------------------------------------------------------
// Case folding.

// Every rune whose fold key differs from itself, as runs: for r in [lo, hi]
// with (r - lo) % stride == 0 the key is r + delta. The key is the smallest
// rune of r's unicode.SimpleFold orbit, except that A-Z map to a-z. Generated
// with Go 1.26's unicode tables (Unicode 15), 1454 runes in all:
//   for each rune r: min over SimpleFold orbit, A-Z lowered; keep r != key.
struct FoldRun
{
  char32_t lo;
  char32_t hi;
  std::uint8_t stride;
  std::int32_t delta;
};
constexpr FoldRun k_fold_runs[] = {
  {0x0041, 0x005A, 1, 32},     {0x00E0, 0x00F6, 1, -32},
  {0x00F8, 0x00FE, 1, -32},    {0x0101, 0x012F, 2, -1},
  {0x0133, 0x0137, 2, -1},     {0x013A, 0x0148, 2, -1},
  {0x014B, 0x0177, 2, -1},     {0x0178, 0x0178, 1, -121},
  {0x017A, 0x017E, 2, -1},     {0x017F, 0x017F, 1, -268},
  {0x0183, 0x0185, 2, -1},     {0x0188, 0x0188, 1, -1},
  {0x018C, 0x018C, 1, -1},     {0x0192, 0x0192, 1, -1},
  {0x0199, 0x0199, 1, -1},     {0x01A1, 0x01A5, 2, -1},
  {0x01A8, 0x01A8, 1, -1},     {0x01AD, 0x01AD, 1, -1},
  {0x01B0, 0x01B0, 1, -1},     {0x01B4, 0x01B6, 2, -1},
  {0x01B9, 0x01B9, 1, -1},     {0x01BD, 0x01BD, 1, -1},
  {0x01C5, 0x01C5, 1, -1},     {0x01C6, 0x01C6, 1, -2},
  {0x01C8, 0x01C8, 1, -1},     {0x01C9, 0x01C9, 1, -2},
  {0x01CB, 0x01CB, 1, -1},     {0x01CC, 0x01CC, 1, -2},
  {0x01CE, 0x01DC, 2, -1},     {0x01DD, 0x01DD, 1, -79},
  {0x01DF, 0x01EF, 2, -1},     {0x01F2, 0x01F2, 1, -1},
  {0x01F3, 0x01F3, 1, -2},     {0x01F5, 0x01F5, 1, -1},
  {0x01F6, 0x01F6, 1, -97},    {0x01F7, 0x01F7, 1, -56},
  {0x01F9, 0x021F, 2, -1},     {0x0220, 0x0220, 1, -130},
  {0x0223, 0x0233, 2, -1},     {0x023C, 0x023C, 1, -1},
  {0x023D, 0x023D, 1, -163},   {0x0242, 0x0242, 1, -1},
  {0x0243, 0x0243, 1, -195},   {0x0247, 0x024F, 2, -1},
  {0x0253, 0x0253, 1, -210},   {0x0254, 0x0254, 1, -206},
  {0x0256, 0x0257, 1, -205},   {0x0259, 0x0259, 1, -202},
  {0x025B, 0x025B, 1, -203},   {0x0260, 0x0260, 1, -205},
  {0x0263, 0x0263, 1, -207},   {0x0268, 0x0268, 1, -209},
  {0x0269, 0x0269, 1, -211},   {0x026F, 0x026F, 1, -211},
  {0x0272, 0x0272, 1, -213},   {0x0275, 0x0275, 1, -214},
  {0x0280, 0x0280, 1, -218},   {0x0283, 0x0283, 1, -218},
  {0x0288, 0x0288, 1, -218},   {0x0289, 0x0289, 1, -69},
  {0x028A, 0x028B, 1, -217},   {0x028C, 0x028C, 1, -71},
  {0x0292, 0x0292, 1, -219},   {0x0371, 0x0373, 2, -1},
  {0x0377, 0x0377, 1, -1},     {0x0399, 0x0399, 1, -84},
  {0x039C, 0x039C, 1, -743},   {0x03AC, 0x03AC, 1, -38},
  {0x03AD, 0x03AF, 1, -37},    {0x03B1, 0x03B8, 1, -32},
  {0x03B9, 0x03B9, 1, -116},   {0x03BA, 0x03BB, 1, -32},
  {0x03BC, 0x03BC, 1, -775},   {0x03BD, 0x03C1, 1, -32},
  {0x03C2, 0x03C2, 1, -31},    {0x03C3, 0x03CB, 1, -32},
  {0x03CC, 0x03CC, 1, -64},    {0x03CD, 0x03CE, 1, -63},
  {0x03D0, 0x03D0, 1, -62},    {0x03D1, 0x03D1, 1, -57},
  {0x03D5, 0x03D5, 1, -47},    {0x03D6, 0x03D6, 1, -54},
  {0x03D7, 0x03D7, 1, -8},     {0x03D9, 0x03EF, 2, -1},
  {0x03F0, 0x03F0, 1, -86},    {0x03F1, 0x03F1, 1, -80},
  {0x03F3, 0x03F3, 1, -116},   {0x03F4, 0x03F4, 1, -92},
  {0x03F5, 0x03F5, 1, -96},    {0x03F8, 0x03F8, 1, -1},
  {0x03F9, 0x03F9, 1, -7},     {0x03FB, 0x03FB, 1, -1},
  {0x03FD, 0x03FF, 1, -130},   {0x0430, 0x044F, 1, -32},
  {0x0450, 0x045F, 1, -80},    {0x0461, 0x0481, 2, -1},
  {0x048B, 0x04BF, 2, -1},     {0x04C2, 0x04CE, 2, -1},
  {0x04CF, 0x04CF, 1, -15},    {0x04D1, 0x052F, 2, -1},
  {0x0561, 0x0586, 1, -48},    {0x13F8, 0x13FD, 1, -8},
  {0x1C80, 0x1C80, 1, -6254},  {0x1C81, 0x1C81, 1, -6253},
  {0x1C82, 0x1C82, 1, -6244},  {0x1C83, 0x1C84, 1, -6242},
  {0x1C85, 0x1C85, 1, -6243},  {0x1C86, 0x1C86, 1, -6236},
  {0x1C87, 0x1C87, 1, -6181},  {0x1C90, 0x1CBA, 1, -3008},
  {0x1CBD, 0x1CBF, 1, -3008},  {0x1E01, 0x1E95, 2, -1},
  {0x1E9B, 0x1E9B, 1, -59},    {0x1E9E, 0x1E9E, 1, -7615},
  {0x1EA1, 0x1EFF, 2, -1},     {0x1F08, 0x1F0F, 1, -8},
  {0x1F18, 0x1F1D, 1, -8},     {0x1F28, 0x1F2F, 1, -8},
  {0x1F38, 0x1F3F, 1, -8},     {0x1F48, 0x1F4D, 1, -8},
  {0x1F59, 0x1F5F, 2, -8},     {0x1F68, 0x1F6F, 1, -8},
  {0x1F88, 0x1F8F, 1, -8},     {0x1F98, 0x1F9F, 1, -8},
  {0x1FA8, 0x1FAF, 1, -8},     {0x1FB8, 0x1FB9, 1, -8},
  {0x1FBA, 0x1FBB, 1, -74},    {0x1FBC, 0x1FBC, 1, -9},
  {0x1FBE, 0x1FBE, 1, -7289},  {0x1FC8, 0x1FCB, 1, -86},
  {0x1FCC, 0x1FCC, 1, -9},     {0x1FD8, 0x1FD9, 1, -8},
  {0x1FDA, 0x1FDB, 1, -100},   {0x1FE8, 0x1FE9, 1, -8},
  {0x1FEA, 0x1FEB, 1, -112},   {0x1FEC, 0x1FEC, 1, -7},
  {0x1FF8, 0x1FF9, 1, -128},   {0x1FFA, 0x1FFB, 1, -126},
  {0x1FFC, 0x1FFC, 1, -9},     {0x2126, 0x2126, 1, -7549},
  {0x212A, 0x212A, 1, -8383},  {0x212B, 0x212B, 1, -8294},
  {0x214E, 0x214E, 1, -28},    {0x2170, 0x217F, 1, -16},
  {0x2184, 0x2184, 1, -1},     {0x24D0, 0x24E9, 1, -26},
  {0x2C30, 0x2C5F, 1, -48},    {0x2C61, 0x2C61, 1, -1},
  {0x2C62, 0x2C62, 1, -10743}, {0x2C63, 0x2C63, 1, -3814},
  {0x2C64, 0x2C64, 1, -10727}, {0x2C65, 0x2C65, 1, -10795},
  {0x2C66, 0x2C66, 1, -10792}, {0x2C68, 0x2C6C, 2, -1},
  {0x2C6D, 0x2C6D, 1, -10780}, {0x2C6E, 0x2C6E, 1, -10749},
  {0x2C6F, 0x2C6F, 1, -10783}, {0x2C70, 0x2C70, 1, -10782},
  {0x2C73, 0x2C73, 1, -1},     {0x2C76, 0x2C76, 1, -1},
  {0x2C7E, 0x2C7F, 1, -10815}, {0x2C81, 0x2CE3, 2, -1},
  {0x2CEC, 0x2CEE, 2, -1},     {0x2CF3, 0x2CF3, 1, -1},
  {0x2D00, 0x2D25, 1, -7264},  {0x2D27, 0x2D27, 1, -7264},
  {0x2D2D, 0x2D2D, 1, -7264},  {0xA641, 0xA649, 2, -1},
  {0xA64A, 0xA64A, 1, -35266}, {0xA64B, 0xA64B, 1, -35267},
  {0xA64D, 0xA66D, 2, -1},     {0xA681, 0xA69B, 2, -1},
  {0xA723, 0xA72F, 2, -1},     {0xA733, 0xA76F, 2, -1},
  {0xA77A, 0xA77C, 2, -1},     {0xA77D, 0xA77D, 1, -35332},
  {0xA77F, 0xA787, 2, -1},     {0xA78C, 0xA78C, 1, -1},
  {0xA78D, 0xA78D, 1, -42280}, {0xA791, 0xA793, 2, -1},
  {0xA797, 0xA7A9, 2, -1},     {0xA7AA, 0xA7AA, 1, -42308},
  {0xA7AB, 0xA7AB, 1, -42319}, {0xA7AC, 0xA7AC, 1, -42315},
  {0xA7AD, 0xA7AD, 1, -42305}, {0xA7AE, 0xA7AE, 1, -42308},
  {0xA7B0, 0xA7B0, 1, -42258}, {0xA7B1, 0xA7B1, 1, -42282},
  {0xA7B2, 0xA7B2, 1, -42261}, {0xA7B5, 0xA7C3, 2, -1},
  {0xA7C4, 0xA7C4, 1, -48},    {0xA7C5, 0xA7C5, 1, -42307},
  {0xA7C6, 0xA7C6, 1, -35384}, {0xA7C8, 0xA7CA, 2, -1},
  {0xA7D1, 0xA7D1, 1, -1},     {0xA7D7, 0xA7D9, 2, -1},
  {0xA7F6, 0xA7F6, 1, -1},     {0xAB53, 0xAB53, 1, -928},
  {0xAB70, 0xABBF, 1, -38864}, {0xFF41, 0xFF5A, 1, -32},
  {0x10428, 0x1044F, 1, -40},  {0x104D8, 0x104FB, 1, -40},
  {0x10597, 0x105A1, 1, -39},  {0x105A3, 0x105B1, 1, -39},
  {0x105B3, 0x105B9, 1, -39},  {0x105BB, 0x105BC, 1, -39},
  {0x10CC0, 0x10CF2, 1, -64},  {0x118C0, 0x118DF, 1, -32},
  {0x16E60, 0x16E7F, 1, -32},  {0x1E922, 0x1E943, 1, -34},
};

char32_t
fold_key(char32_t r)
{
  auto it =
    std::upper_bound(std::begin(k_fold_runs),
                     std::end(k_fold_runs),
                     r,
                     [](char32_t v, const FoldRun& run) { return v < run.lo; });
  if (it == std::begin(k_fold_runs)) {
    return r;
  }
  --it;
  if (r > it->hi || (r - it->lo) % it->stride != 0) {
    return r;
  }
  return static_cast<char32_t>(static_cast<std::int64_t>(r) + it->delta);
}

// ---------------------------------------------------------------------------
// Slash paths, as Go's path package treats them.

// filepath.Join(dir, rel), for messages about files on disk.
std::string
join_os(const fs::path& dir, std::string_view rel)
{
  return path::clean(dir.string() + "/" + std::string(rel));
}

// ---------------------------------------------------------------------------
// The rules.

// Names equal under case folding can't coexist on macOS or Windows, and a
// name can't be both a file and a directory anywhere; both would make the
// zip impossible to extract.
//
// Every name must be remembered, so the memory is per name: a 128-bit
// digest of its folded form, 64 bits of its exact form's and where to find
// the name again for a message, 40 bytes in all, instead of two copies of
// every path (a zip of 135,000 files kept 40 MB of them). A SHA-256 prefix,
// because the names come from whoever made the zip: a collision of these
// digests is as hard to make as one of SHA-256's first 128 bits.
class CollisionChecker
{
public:
  // The path behind a ref given to check, for messages.
  using NameOf = std::function<Result<std::string>(std::uint64_t ref)>;

  explicit CollisionChecker(NameOf name_of)
    : m_name_of(std::move(name_of))
  {
  }

  // Checks p and then each parent directory of p; name_of(ref) gives p (or
  // a longer path that p begins) back.
  Status
  check(std::string_view p, bool is_dir, std::uint64_t ref)
  {
    for (;;) {
      const std::string folded = str_to_fold(p);
      const Digest key = digest(folded);
      const std::uint64_t exact = folded == p ? key.lo : digest(p).lo;
      auto it = m_seen.find(key);
      if (it != m_seen.end()) {
        const Seen& other = it->second;
        if (exact != other.exact) {
          return Error::invalid(
            format("case-insensitive file name collision: {} and {}",
                   strconv::quote(name_of(other)),
                   strconv::quote(p)));
        }
        if (is_dir != other.is_dir) {
          return Error::invalid(format(
            "entry {} is both a file and a directory", strconv::quote(p)));
        }
        if (!is_dir) {
          return Error::invalid(
            format("multiple entries for file {}", strconv::quote(p)));
        }
        // The same directory again: every file in it checks its parents.
      } else {
        m_seen.emplace(
          key, Seen{exact, ref, static_cast<std::uint32_t>(p.size()), is_dir});
      }
      // The parent of a clean relative path: its split dir, less the slash.
      const std::string_view parent = path::split(p).first;
      if (parent.empty()) {
        return {};
      }
      p = parent.substr(0, parent.size() - 1);
      is_dir = true;
    }
  }

  // Names remembered so far (files and directories).
  std::size_t
  size() const
  {
    return m_seen.size();
  }

private:
  struct Digest
  {
    std::uint64_t hi;
    std::uint64_t lo;
    bool
    operator==(const Digest& o) const
    {
      return hi == o.hi && lo == o.lo;
    }
  };
  struct DigestHash
  {
    std::size_t
    operator()(const Digest& d) const
    {
      return static_cast<std::size_t>(d.hi);
    }
  };
  struct Seen
  {
    std::uint64_t exact;
    std::uint64_t ref;
    std::uint32_t len;
    bool is_dir;
  };

  Digest
  digest(std::string_view s)
  {
    m_hash.update(s);
    const std::string d = m_hash.digest();
    Digest out{};
    std::memcpy(&out.hi, d.data(), 8);
    std::memcpy(&out.lo, d.data() + 8, 8);
    return out;
  }

  std::string
  name_of(const Seen& s) const
  {
    auto name = m_name_of(s.ref);
    if (!name) {
      return "?";
    }
    return name->substr(0, s.len);
  }

  NameOf m_name_of;
  Sha256 m_hash;
  std::unordered_map<Digest, Seen, DigestHash> m_seen;
};

// What checkFiles needs to know of the module as a whole.
struct ModuleLayout
{
  // Directories holding a go.mod are other modules; their files stay out.
  std::unordered_set<std::string> go_mod_dirs;
  bool go_1_24 = false;

  bool
  in_submodule(std::string_view p) const
  {
    for (;;) {
      auto [dir, base] = path::split(p);
      if (dir.empty()) {
        return false;
      }
      if (go_mod_dirs.contains(std::string(dir))) {
        return true;
      }
      p = dir.substr(0, dir.size() - 1);
    }
  }
};

ModuleLayout
module_layout(const std::vector<File>& files)
{
  ModuleLayout layout;
  for (const File& f : files) {
    auto [dir, base] = path::split(f.path);
    if (str_to_fold(base) != "go.mod" || f.type != FileType::regular) {
      continue;
    }
    layout.go_mod_dirs.emplace(dir);
    if (base == "go.mod" && dir.empty()) {
      // An unreadable or oversized go.mod counts as an old one; x/mod ignores
      // the error here too, and the size rule rejects it later.
      auto data = read_limited(f, k_max_go_mod);
      layout.go_1_24 = data && *data && declares_go_1_24(**data);
    }
  }
  return layout;
}

// Why checkFiles leaves a file out (omitted) or refuses it (invalid).
struct FileVerdict
{
  bool omitted;
  std::string message;
};

// The rules on a file's name, which come before the collision check.
std::optional<FileVerdict>
name_rule(const std::string& p, const ModuleLayout& layout)
{
  if (p != path::clean(p)) {
    return FileVerdict{false, "file path is not clean"};
  }
  if (p.starts_with('/')) {
    return FileVerdict{false, "file path is not relative"};
  }
  if (is_vendored_package(p, layout.go_1_24)) {
    return FileVerdict{true, "file is in vendor directory"};
  }
  if (layout.in_submodule(p)) {
    return FileVerdict{true, "file is in another module"};
  }
  if (p == ".hg_archival.txt") {
    // hg archive adds it; the go command drops it whatever the VCS.
    return FileVerdict{
      true, "file is inserted by 'hg archive' and is always omitted"};
  }
  if (auto ok = check_file_path(p); !ok) {
    return FileVerdict{false, ok.error().message};
  }
  std::string lower = p;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "go.mod" && p != "go.mod") {
    return FileVerdict{false, "go.mod files must have lowercase names"};
  }
  return std::nullopt;
}

// The rules on a file's type, after the collision check.
std::optional<FileVerdict>
type_rule(const File& f)
{
  if (f.type == FileType::symlink) {
    // golang.org/issue/27093: links would point outside the module.
    return FileVerdict{true, "file is a symbolic link"};
  }
  if (f.type != FileType::regular) {
    return FileVerdict{true, "not a regular file"};
  }
  return std::nullopt;
}

// The size limits of single files, in a directory or a zip alike.
std::optional<FileVerdict>
size_rule(std::string_view p, std::uint64_t size)
{
  if (p == "go.mod" && size > k_max_go_mod) {
    return FileVerdict{
      false,
      format("go.mod file too large (max size is {} bytes)", k_max_go_mod)};
  }
  if (p == "LICENSE" && size > k_max_license) {
    return FileVerdict{
      false,
      format("LICENSE file too large (max size is {} bytes)", k_max_license)};
  }
  return std::nullopt;
}

} // namespace

namespace detail {

// isVendoredPackage. Before Go 1.24 a "/vendor/" inside the path skipped only
// len("/vendor/") bytes from the start of the name, not from the match; that
// bug is kept for modules declaring older go versions because fixing it would
// change their checksums. From go 1.24 on, vendor/modules.txt goes too.
bool
is_vendored_package(std::string_view name, bool go_1_24)
{
  if (go_1_24 && name == "vendor/modules.txt") {
    return true;
  }
  constexpr std::string_view k_vendor = "vendor/";
  constexpr std::string_view k_inner = "/vendor/";
  std::size_t i;
  if (name.starts_with(k_vendor)) {
    i = k_vendor.size();
  } else if (std::size_t j = name.find(k_inner); j != std::string_view::npos) {
    i = go_1_24 ? j + k_inner.size() : k_inner.size();
  } else {
    return false;
  }
  return name.substr(i).find('/') != std::string_view::npos;
}

// Whether a root go.mod declares go 1.24 or later: x/mod's parseGoVers
// (modfile.ParseLax; any parse error or a missing go line means "older")
// followed by version.Compare(version.Lang(v), "go1.24") >= 0.
bool
declares_go_1_24(std::string_view gomod)
{
  auto f = modfile::parse_lax("go.mod", gomod);
  if (!f || !f->go) {
    return false;
  }
  // parse_lax leaves a valid GoVersionRE version: MAJOR.MINOR[...].
  std::string_view v = f->go->version;
  unsigned major = 0;
  unsigned minor = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), major);
  if (ec != std::errc() || end == v.data() + v.size() || *end != '.') {
    return false;
  }
  auto [end2, ec2] = std::from_chars(end + 1, v.data() + v.size(), minor);
  if (ec2 != std::errc()) {
    return false;
  }
  (void)end2;
  return major > 1 || (major == 1 && minor >= 24);
}

// Reads a whole file through its Reader, giving up (nullopt) past limit.
Result<std::optional<std::string>>
read_limited(const File& f, std::uint64_t limit)
{
  if (!f.open) {
    return std::optional<std::string>();
  }
  auto r = f.open();
  if (!r) {
    return r.error();
  }
  std::string data;
  std::array<char, 4096> buf;
  for (;;) {
    auto n = (*r)->read(buf);
    if (!n) {
      return n.error();
    }
    if (*n == 0) {
      return std::optional<std::string>(std::move(data));
    }
    data.append(buf.data(), *n);
    if (data.size() > limit) {
      return std::optional<std::string>();
    }
  }
}

// checkFiles: decides for each file whether it is valid, omitted or invalid.
FileCheck
check_files_impl(const std::vector<File>& files)
{
  FileCheck out;
  CheckedFiles& cf = out.cf;
  // A path is reported once even if it appears again.
  std::unordered_set<std::string> reported;
  auto add_error =
    [&](const std::string& p, bool omitted, std::string message) {
      if (!reported.insert(p).second) {
        return;
      }
      (omitted ? cf.omitted : cf.invalid).push_back({p, std::move(message)});
    };

  const ModuleLayout layout = module_layout(files);
  CollisionChecker collisions(
    [&files](std::uint64_t ref) -> Result<std::string> {
      return files[ref].path;
    });
  std::uint64_t room = k_max_zip_file;
  for (std::size_t index = 0; index < files.size(); ++index) {
    const File& f = files[index];
    const std::string& p = f.path;
    if (auto v = name_rule(p, layout)) {
      add_error(p, v->omitted, std::move(v->message));
      continue;
    }
    if (auto ok = collisions.check(p, f.type == FileType::directory, index);
        !ok) {
      add_error(p, false, ok.error().message);
      continue;
    }
    if (auto v = type_rule(f)) {
      add_error(p, v->omitted, std::move(v->message));
      continue;
    }
    if (f.size <= room) {
      room -= f.size;
    } else if (cf.size_error.empty()) {
      cf.size_error = format(
        "module source tree too large (max size is {} bytes)", k_max_zip_file);
    }
    if (auto v = size_rule(p, f.size)) {
      add_error(p, v->omitted, std::move(v->message));
      continue;
    }
    cf.valid.push_back(p);
    out.valid_files.push_back(&f);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Zips.

std::string
zip_prefix(const Version& m)
{
  return m.path + "@" + m.version + "/";
}

// The checks every operation starts with: a canonical version and a module
// path that agrees with it.
Status
check_module(const Version& m)
{
  if (std::string canonical = canonical_version(m.version);
      canonical != m.version) {
    return Error::invalid(format("version {} is not canonical (should be {})",
                                 strconv::quote(m.version),
                                 strconv::quote(canonical)));
  }
  return check(m.path, m.version);
}

} // namespace detail

namespace {

struct OpenZip
{
  std::optional<detail::ZipReader> reader;
  std::string size_error; // set (and no reader) when the file is too large
};

// Opens a zip for reading, refusing by size before parsing anything.
Result<OpenZip>
open_zip(const fs::path& zip_file)
{
  struct stat st;
  if (::stat(zip_file.c_str(), &st) != 0) {
    return io_error("open", zip_file, errno);
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > k_max_zip_file) {
    return OpenZip{
      std::nullopt,
      format("module zip file is too large ({} bytes; limit is {} bytes)",
             size,
             k_max_zip_file)};
  }
  auto reader = detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  return OpenZip{std::move(*reader), {}};
}

// Reads one entry through, in chunks, requiring exactly its declared size
// and its CRC.
Status
verify_entry(detail::ZipReader& reader,
             const detail::CentralEntry& e,
             std::span<char> buf)
{
  const auto failed =
    reader.read(e, buf, [](std::string_view) { return true; });
  if (!failed) {
    return {};
  }
  switch (failed->kind) {
  case detail::EntryError::Kind::format:
    return Error::invalid(failed->message);
  case detail::EntryError::Kind::larger:
    return Error::invalid(format(
      "uncompressed size is larger than declared size ({} bytes)", e.size));
  case detail::EntryError::Kind::smaller:
    break;
  }
  return Error::invalid(format(
    "uncompressed size is smaller than declared size ({} bytes)", e.size));
}

// Invalid files a verdict names before it only counts them: a message
// about a hostile zip of a million bad names need not hold them all.
constexpr std::size_t k_max_listed_invalid = 100;

// The rules on an entry's header: something Go's archive/zip reads, under
// the module's prefix.
std::optional<std::string>
entry_rule(const detail::CentralEntry& e, const std::string& prefix)
{
  if (!e.supported_method()) {
    // Go's archive/zip can read nothing else; such an entry would fail in
    // the go command even though other readers can read it.
    return "zip: unsupported compression algorithm";
  }
  if (e.encrypted()) {
    return "zip: encrypted entries are not supported";
  }
  if (!e.name.starts_with(prefix)) {
    return format("path does not have prefix {}", strconv::quote(prefix));
  }
  return std::nullopt;
}

// The rules on an entry's name in the module (no prefix, no directory's
// slash), before the collision check.
std::optional<std::string>
entry_name_rule(std::string_view name)
{
  if (path::clean(name) != name) {
    return "file path is not clean";
  }
  if (auto ok = check_file_path(name); !ok) {
    return ok.error().message;
  }
  return std::nullopt;
}

// A file named go.mod in any case must be the root's, in lower case.
std::optional<std::string>
go_mod_rule(std::string_view name)
{
  const std::string_view base = path::split(name).second;
  if (str_to_fold(base) != "go.mod") {
    return std::nullopt;
  }
  if (base != name) {
    return "go.mod file not in module root directory";
  }
  if (name != "go.mod") {
    return "go.mod files must have lowercase names";
  }
  return std::nullopt;
}

// checkZip over the central directory as it streams by; verify_content adds
// the read-through of each valid entry. With keep_lists false, valid names
// are not collected and invalid ones only up to k_max_listed_invalid, so
// that memory grows only by the collision table's 40-odd bytes a name.
Result<ZipCheck>
check_open_zip(const Version& m,
               detail::ZipReader& reader,
               bool verify_content,
               bool keep_lists)
{
  ZipCheck out;
  CheckedFiles& cf = out.cf;
  auto add_error = [&](const std::string& name, std::string message) {
    if (!keep_lists && cf.invalid.size() >= k_max_listed_invalid) {
      ++out.unlisted_invalid;
      return;
    }
    cf.invalid.push_back({name, std::move(message)});
  };
  const std::string prefix = zip_prefix(m);
  CollisionChecker collisions(
    [&reader, &prefix](std::uint64_t ref) -> Result<std::string> {
      auto name = reader.name_at(ref);
      if (!name) {
        return name.error();
      }
      return name->substr(std::min(prefix.size(), name->size()));
    });
  std::uint64_t total = 0;
  std::vector<char> buf;
  GPX_TRY(reader.each([&](const detail::CentralEntry& e) -> Status {
    if (auto why = entry_rule(e, prefix)) {
      add_error(e.name, std::move(*why));
      return {};
    }
    std::string_view name = std::string_view(e.name).substr(prefix.size());
    if (name.empty()) {
      return {};
    }
    const bool is_dir = name.ends_with('/');
    if (is_dir) {
      name.remove_suffix(1);
    }
    if (auto why = entry_name_rule(name)) {
      add_error(e.name, std::move(*why));
      return {};
    }
    if (auto ok = collisions.check(name, is_dir, e.record_offset); !ok) {
      add_error(e.name, ok.error().message);
      return {};
    }
    if (is_dir) {
      return {};
    }
    if (auto why = go_mod_rule(name)) {
      add_error(e.name, std::move(*why));
      return {};
    }
    if (e.size <= k_max_zip_file - total) {
      total += e.size;
    } else if (cf.size_error.empty()) {
      cf.size_error = format(
        "total uncompressed size of module contents too large (max size is {} "
        "bytes)",
        k_max_zip_file);
    }
    if (auto v = size_rule(name, e.size)) {
      add_error(e.name, std::move(v->message));
      return {};
    }
    // Reading is pointless once the zip is known to be too large, and the
    // declared sizes could make it very long.
    if (verify_content && cf.size_error.empty()) {
      buf.resize(k_chunk);
      if (auto ok = verify_entry(reader, e, buf); !ok) {
        add_error(e.name, ok.error().message);
        return {};
      }
    }
    if (keep_lists) {
      cf.valid.push_back(e.name);
    }
    return {};
  }));
  return out;
}

} // namespace

namespace detail {

// check_open_zip over the file, after the checks of m and of its size.
Result<ZipCheck>
check_zip_file(const Version& m,
               const fs::path& zip_file,
               bool verify_content,
               bool keep_lists)
{
  GPX_TRY(check_module(m));
  auto opened = open_zip(zip_file);
  if (!opened) {
    return opened.error();
  }
  if (!opened->size_error.empty()) {
    ZipCheck too_large;
    too_large.cf.size_error = opened->size_error;
    return too_large;
  }
  return check_open_zip(m, *opened->reader, verify_content, keep_lists);
}

// The verdict of a check made without lists, as CheckedFiles::err words it.
Status
verdict(const ZipCheck& check)
{
  auto ok = check.cf.err();
  if (ok || check.unlisted_invalid == 0 || !check.cf.size_error.empty()) {
    return ok;
  }
  return Error::invalid(format("{}\n(and {} more invalid files)",
                               ok.error().message,
                               check.unlisted_invalid));
}

} // namespace detail

Status
CheckedFiles::err() const
{
  if (!size_error.empty()) {
    return Error::invalid(size_error);
  }
  if (invalid.empty()) {
    return {};
  }
  std::string message;
  for (const FileError& fe : invalid) {
    if (!message.empty()) {
      message += '\n';
    }
    message += fe.path + ": " + fe.error;
  }
  return Error::invalid(std::move(message));
}

std::string
str_to_fold(std::string_view s)
{
  // Most paths are lower-case ASCII already.
  if (std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z');
      })) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const auto [r, n] = strconv::decode_rune(s);
    strconv::append_utf8(out, fold_key(r));
    s.remove_prefix(n);
  }
  return out;
}

CheckedFiles
check_files(const std::vector<File>& files)
{
  return check_files_impl(files).cf;
}

Result<CheckedFiles>
check_dir(const fs::path& dir)
{
  auto listing = list_files_in_dir(dir);
  if (!listing) {
    return listing.error();
  }
  CheckedFiles cf = check_files_impl(listing->files).cf;
  // Paths on disk read better in messages than paths in the module.
  for (std::string& p : cf.valid) {
    p = join_os(dir, p);
  }
  cf.omitted.insert(
    cf.omitted.end(), listing->omitted.begin(), listing->omitted.end());
  for (FileError& fe : cf.omitted) {
    fe.path = join_os(dir, fe.path);
  }
  for (FileError& fe : cf.invalid) {
    fe.path = join_os(dir, fe.path);
  }
  return cf;
}

Result<CheckedFiles>
check_zip(const Version& m, const fs::path& zip_file)
{
  auto checked = check_zip_file(m, zip_file, true, true);
  if (!checked) {
    return checked.error();
  }
  return std::move(checked->cf);
}

namespace {

// A check without lists, as its verdict.
Status
checked_verdict(const Version& m, const fs::path& zip_file, bool read_through)
{
  auto checked = check_zip_file(m, zip_file, read_through, false);
  if (!checked) {
    return checked.error();
  }
  return verdict(*checked);
}

} // namespace

Status
check_zip_err(const Version& m, const fs::path& zip_file)
{
  return checked_verdict(m, zip_file, true);
}

Status
check_zip_headers_err(const Version& m, const fs::path& zip_file)
{
  return checked_verdict(m, zip_file, false);
}

Result<std::string>
checked_h1(const Version& m, const fs::path& zip_file)
{
  GPX_TRY(check_zip_headers_err(m, zip_file));
  return dirhash::hash_zip(zip_file);
}

} // namespace gpx::gomod::zip
