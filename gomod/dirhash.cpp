// The h1: hash of golang.org/x/mod/sumdb/dirhash (hash.go), over OpenSSL.

#include "dirhash.hpp"

#include "zip_reader.hpp"

#include <gomod/format.hpp>
#include <gomod/path.hpp>
#include <gomod/posix.hpp>
#include <gomod/sha256.hpp>

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <thread>

namespace fs = std::filesystem;

namespace gpx::gomod::dirhash {

namespace {

using zip::detail::k_chunk;

Result<std::string>
sha256_file_hex(const fs::path& p)
{
  // Opened like os.Open: a symlink is followed, a directory fails at read.
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return io_error("open", p, errno);
  }
  Sha256 h;
  std::vector<char> buf(k_chunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return io_error("read", p, errno);
    }
    if (n == 0) {
      return h.hex_digest();
    }
    h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
}

// DirFiles' walk: every non-directory below dir (links included, as
// filepath.Walk reports them), as (slash path relative to dir, path on disk).
Status
list_files(const fs::path& abs,
           const std::string& rel,
           std::vector<std::pair<std::string, fs::path>>& out)
{
  std::error_code ec;
  fs::directory_iterator it(abs, ec);
  if (ec) {
    return Error::io(format("open {}: {}", abs.string(), ec.message()));
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string child_rel = rel.empty() ? name : rel + "/" + name;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) {
      return io_error("lstat", it->path(), errno);
    }
    if (S_ISDIR(st.st_mode)) {
      GPX_TRY(list_files(it->path(), child_rel, out));
    } else {
      out.emplace_back(std::move(child_rel), it->path());
    }
  }
  if (ec) {
    return Error::io(format("readdir {}: {}", abs.string(), ec.message()));
  }
  return {};
}

// DirFiles joins with filepath.Join, which cleans the result.
std::string
clean_join(std::string_view prefix, std::string_view rel)
{
  std::string joined(prefix);
  if (!joined.empty()) {
    joined += '/';
  }
  joined += rel;
  return path::clean(joined);
}

// The names of a zip's entries, in one buffer: each without the bytes it
// shares with the first name.
class ZipNames
{
public:
  void
  add(std::string_view name)
  {
    if (m_items.empty()) {
      m_first = std::string(name);
    }
    std::size_t shared = 0;
    const std::size_t most = std::min(name.size(), m_first.size());
    while (shared < most && name[shared] == m_first[shared]) {
      ++shared;
    }
    const std::string_view rest = name.substr(shared);
    // Blocks, not one growing string: doubling would hold up to three
    // times the names while it copies.
    if (m_blocks.empty() || k_block - m_used < rest.size()) {
      m_blocks.push_back(
        std::make_unique<char[]>(std::max(k_block, rest.size())));
      m_used = 0;
    }
    std::memcpy(m_blocks.back().get() + m_used, rest.data(), rest.size());
    m_items.push_back(Item{m_blocks.back().get() + m_used,
                           static_cast<std::uint32_t>(rest.size()),
                           static_cast<std::uint32_t>(shared)});
    m_used += rest.size();
  }

  void
  reserve(std::uint64_t n)
  {
    m_items.reserve(static_cast<std::size_t>(n));
  }

  std::size_t
  size() const
  {
    return m_items.size();
  }

  // <0, 0, >0 as name a sorts before, with or after name b (bytes, as Go's
  // string comparison).
  int
  compare(std::uint32_t a, std::uint32_t b) const
  {
    const Item& x = m_items[a];
    const Item& y = m_items[b];
    // Both names begin with the first name's first min(shared) bytes.
    const std::size_t common = std::min(x.shared, y.shared);
    std::string_view x1 =
      std::string_view(m_first).substr(common, x.shared - common);
    std::string_view x2 = rest(x);
    std::string_view y1 =
      std::string_view(m_first).substr(common, y.shared - common);
    std::string_view y2 = rest(y);
    for (;;) {
      if (x1.empty()) {
        std::swap(x1, x2);
      }
      if (y1.empty()) {
        std::swap(y1, y2);
      }
      if (x1.empty() || y1.empty()) {
        return (x1.empty() ? 0 : 1) - (y1.empty() ? 0 : 1);
      }
      const std::size_t n = std::min(x1.size(), y1.size());
      if (int c = std::memcmp(x1.data(), y1.data(), n); c != 0) {
        return c;
      }
      x1.remove_prefix(n);
      y1.remove_prefix(n);
    }
  }

  void
  append_to(std::uint32_t i, std::string& out) const
  {
    const Item& x = m_items[i];
    out.append(m_first, 0, x.shared);
    out.append(rest(x));
  }

private:
  static constexpr std::size_t k_block = 1 << 20;

  struct Item
  {
    const char* rest;     // what follows the shared bytes, in a block
    std::uint32_t len;    // of the rest
    std::uint32_t shared; // bytes taken from m_first
  };

  static std::string_view
  rest(const Item& x)
  {
    return std::string_view(x.rest, x.len);
  }

  std::string m_first;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::size_t m_used = 0;
  std::vector<Item> m_items;
};

// The raw SHA-256 of entry e's content, read through buf.
Result<std::string>
entry_digest(zip::detail::ZipReader& reader,
             const zip::detail::CentralEntry& e,
             std::span<char> buf,
             Sha256& h)
{
  const auto failed = reader.read(e, buf, [&](std::string_view chunk) {
    h.update(chunk);
    return true;
  });
  if (!failed) {
    return h.digest();
  }
  h.digest(); // reset
  switch (failed->kind) {
  case zip::detail::EntryError::Kind::format:
    return Error::invalid(format("{}: {}", e.name, failed->message));
  case zip::detail::EntryError::Kind::larger:
    return Error::invalid(format(
      "zip: {}: uncompressed size is larger than declared size ({} bytes)",
      e.name,
      e.size));
  case zip::detail::EntryError::Kind::smaller:
    break;
  }
  return Error::invalid(format(
    "zip: {}: uncompressed size is smaller than declared size ({} bytes)",
    e.name,
    e.size));
}

// Hash1's refusal, before anything is read.
Status
check_name(std::string_view name)
{
  if (name.find('\n') != std::string_view::npos) {
    return Error::invalid("dirhash: filenames with newlines are not supported");
  }
  return {};
}

// One summary line of hash1.
void
add_line(Sha256& summary, std::string_view digest, std::string_view name)
{
  summary.update(to_hex(digest));
  summary.update("  ");
  summary.update(name);
  summary.update("\n");
}

using Digest = std::array<unsigned char, 32>;

std::string
raw(const Digest& d)
{
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// Zips whose files add up to less than this are hashed on one thread: a
// second would cost more to start than it saves.
constexpr std::uint64_t k_parallel_min = 8u << 20;

// Second hashing threads running now, in the whole process: no more than
// the cores past the first, so that eight zips hashed at once (a prefetch's
// jobs, or an agent's misses) do not bring eight more threads and readers
// that would only queue for a core.
std::atomic<unsigned> g_second_threads{0};

bool
take_second_thread()
{
  const unsigned most = std::max(1u, std::thread::hardware_concurrency()) - 1;
  unsigned n = g_second_threads.load();
  while (n < most) {
    if (g_second_threads.compare_exchange_weak(n, n + 1)) {
      return true;
    }
  }
  return false;
}

// Where a second thread takes over hashing a zip: the first entry past half
// of its declared content (inflating and hashing cost by the byte). 0 (one
// thread) for a small zip, or for a directory that cannot be read (the walks
// that follow say why).
std::size_t
second_half(const fs::path& zip_file)
{
  // Two walks of the directory, the sizes added up and then the half found,
  // rather than a size kept for each entry.
  std::uint64_t total = 0;
  std::size_t index = 0;
  for (int walk = 0; walk < 2; ++walk) {
    auto reader = zip::detail::ZipReader::open(zip_file);
    if (!reader) {
      return 0;
    }
    std::uint64_t sum = 0;
    std::size_t i = 0;
    auto walked =
      reader->each([&](const zip::detail::CentralEntry& e) -> Status {
        sum += std::min<std::uint64_t>(e.size, std::uint64_t{1} << 40);
        if (walk == 1 && index == 0 && sum > total / 2) {
          index = i;
        }
        ++i;
        return {};
      });
    if (!walked || (walk == 0 && sum < k_parallel_min)) {
      return 0;
    }
    total = sum;
  }
  return index;
}

class DigestsAhead;

constexpr std::size_t k_to_the_end = static_cast<std::size_t>(-1);

Result<std::vector<Digest>> read_digests(const fs::path& zip_file,
                                         std::size_t from,
                                         std::size_t count,
                                         DigestsAhead* ahead,
                                         const std::atomic<bool>* stop);

// The digests of a zip's entries from index `from` on, in the zip's order,
// read on a thread of its own while the caller reads the ones before: a
// large zip hashes in about half the time on two cores, and a cold miss
// waits for that hash after its last byte. Without a core to spare, or for
// a small zip: no thread, nothing covered.
class DigestsAhead
{
public:
  explicit DigestsAhead(const fs::path& zip_file)
  {
    if (!take_second_thread()) {
      return;
    }
    m_from = second_half(zip_file);
    if (m_from == 0) {
      --g_second_threads;
      return;
    }
    m_thread = std::thread([this, zip_file] {
      m_digests =
        read_digests(zip_file, m_from, k_to_the_end, nullptr, &m_stop);
    });
  }
  ~DigestsAhead()
  {
    m_stop = true;
    if (m_thread.joinable()) {
      m_thread.join();
    }
    if (m_from > 0) {
      --g_second_threads;
    }
  }
  DigestsAhead(const DigestsAhead&) = delete;
  DigestsAhead& operator=(const DigestsAhead&) = delete;

  // Entry i's raw digest (e, read through reader, buf and h): from the
  // thread if it covers i, else read here.
  Result<std::string>
  digest(std::size_t i,
         zip::detail::ZipReader& reader,
         const zip::detail::CentralEntry& e,
         std::span<char> buf,
         Sha256& h)
  {
    return covers(i) ? at(i) : entry_digest(reader, e, buf, h);
  }

private:
  bool
  covers(std::size_t i) const
  {
    return m_from > 0 && i >= m_from;
  }

  // Entry i's raw digest (covers(i)), once the thread is done: its first
  // error, if it met one, which a one-thread walk would meet there too.
  Result<std::string>
  at(std::size_t i)
  {
    if (m_thread.joinable()) {
      m_thread.join();
    }
    if (!m_digests) {
      return m_digests.error();
    }
    if (i - m_from >= m_digests->size()) {
      return Error::invalid(std::string(zip::detail::k_not_a_zip));
    }
    return raw((*m_digests)[i - m_from]);
  }

  std::size_t m_from = 0;
  std::atomic<bool> m_stop{false};
  Result<std::vector<Digest>> m_digests = Error::internal("not read");
  std::thread m_thread;
};

// The contents' digests in the zip's order, of count entries from index
// from on: exactly count (fewer: no zip), or all the rest (k_to_the_end).
// Those ahead covers come from it; stop, once set, ends the walk.
Result<std::vector<Digest>>
read_digests(const fs::path& zip_file,
             std::size_t from,
             std::size_t count,
             DigestsAhead* ahead,
             const std::atomic<bool>* stop)
{
  auto reader = zip::detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  std::vector<Digest> digests;
  if (count != k_to_the_end) {
    digests.reserve(count);
  }
  std::vector<char> buf(k_chunk);
  Sha256 h;
  std::size_t index = 0;
  GPX_TRY(reader->each([&](const zip::detail::CentralEntry& e) -> Status {
    const std::size_t i = index++;
    if (i < from || digests.size() == count) {
      return {};
    }
    if (stop != nullptr && *stop) {
      return Error::internal("stopped");
    }
    auto d = ahead != nullptr ? ahead->digest(i, *reader, e, buf, h)
                              : entry_digest(*reader, e, buf, h);
    if (!d) {
      return d.error();
    }
    auto& slot = digests.emplace_back();
    std::memcpy(slot.data(), d->data(), slot.size());
    return {};
  }));
  if (count != k_to_the_end && digests.size() != count) {
    return Error::invalid(std::string(zip::detail::k_not_a_zip));
  }
  return digests;
}

// Out-of-order entries hash_in_order holds at the most before it leaves the
// zip to the sorting path.
constexpr std::size_t k_max_held = 1024;

// An entry out of the zip's sorted run, hashed ahead of the second walk.
struct Held
{
  zip::detail::CentralEntry entry;
  std::string digest;
};

// The zip's sorted run of names, as a walk goes.
class SortedRun
{
public:
  // Whether name continues the run (and, if so, extends it).
  bool
  extends(const std::string& name)
  {
    if (m_first || name > m_last) {
      m_first = false;
      m_last = name;
      return true;
    }
    return false;
  }

private:
  std::string m_last;
  bool m_first = true;
};

// The first walk: the entries out of the sorted run, hashed and sorted by
// name. nullopt when more than k_max_held are out of order or one of them
// repeats a name.
Result<std::optional<std::vector<Held>>>
hash_out_of_order(const fs::path& zip_file, std::vector<char>& buf, Sha256& h)
{
  auto reader = zip::detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  std::vector<Held> held;
  SortedRun run;
  bool too_many = false;
  GPX_TRY(reader->each([&](const zip::detail::CentralEntry& e) -> Status {
    if (auto ok = check_name(e.name); !ok) {
      return ok;
    }
    if (!run.extends(e.name)) {
      too_many = too_many || held.size() == k_max_held;
      if (!too_many) {
        held.push_back({e, {}});
      }
    }
    return {};
  }));
  if (too_many) {
    return std::optional<std::vector<Held>>();
  }
  for (Held& x : held) {
    auto d = entry_digest(*reader, x.entry, buf, h);
    if (!d) {
      return d.error();
    }
    x.digest = std::move(*d);
  }
  std::sort(held.begin(), held.end(), [](const Held& a, const Held& b) {
    return a.entry.name < b.entry.name;
  });
  for (std::size_t i = 1; i < held.size(); ++i) {
    if (held[i].entry.name == held[i - 1].entry.name) {
      return std::optional<std::vector<Held>>();
    }
  }
  return std::optional<std::vector<Held>>(std::move(held));
}

// HashZip in one walk, keeping no name but the last, for a zip whose names
// are in sorted order but for a few: zips made from git trees are (git
// sorts a tree's paths as Go sorts strings), except that the go command
// appends a LICENSE from the repository's root. Those few are hashed first
// and merged in where they belong. nullopt when more than k_max_held are
// out of order or a name repeats: the sorting path handles those.
Result<std::optional<std::string>>
hash_in_order(const fs::path& zip_file, DigestsAhead& ahead)
{
  std::vector<char> buf(k_chunk);
  Sha256 h;
  auto out_of_order = hash_out_of_order(zip_file, buf, h);
  if (!out_of_order) {
    return out_of_order.error();
  }
  if (!*out_of_order) {
    return std::optional<std::string>();
  }
  const std::vector<Held>& held = **out_of_order;

  // The second walk: the sorted run in the zip's order, the held entries
  // merged in before the first name they sort before.
  auto reader = zip::detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  SortedRun run;
  Sha256 summary;
  std::size_t next_held = 0;
  bool repeated = false;
  std::size_t index = 0;
  GPX_TRY(reader->each([&](const zip::detail::CentralEntry& e) -> Status {
    const std::size_t i = index++;
    if (repeated || !run.extends(e.name)) {
      return {};
    }
    for (; next_held < held.size() && held[next_held].entry.name <= e.name;
         ++next_held) {
      if (held[next_held].entry.name == e.name) {
        repeated = true;
        return {};
      }
      add_line(summary, held[next_held].digest, held[next_held].entry.name);
    }
    auto d = ahead.digest(i, *reader, e, buf, h);
    if (!d) {
      return d.error();
    }
    add_line(summary, *d, e.name);
    return {};
  }));
  if (repeated) {
    return std::optional<std::string>();
  }
  for (; next_held < held.size(); ++next_held) {
    add_line(summary, held[next_held].digest, held[next_held].entry.name);
  }
  return std::optional<std::string>("h1:" + summary.base64_digest());
}

// The first walk of the sorting path: every entry's name, directories too,
// as in HashZip.
Result<ZipNames>
read_names(const fs::path& zip_file)
{
  auto reader = zip::detail::ZipReader::open(zip_file);
  if (!reader) {
    return reader.error();
  }
  ZipNames names;
  // The count is bounded by the central directory's size (46 bytes an entry).
  names.reserve(reader->count());
  GPX_TRY(reader->each([&](const zip::detail::CentralEntry& e) -> Status {
    if (auto ok = check_name(e.name); !ok) {
      return ok;
    }
    names.add(e.name);
    return {};
  }));
  return names;
}

// hash1 over (name, digest of the name's last entry), by name. A name that
// occurs twice is listed twice but hashed from its last entry, as Go's map
// of names does.
std::string
summarize_by_name(const ZipNames& names, const std::vector<Digest>& digests)
{
  std::vector<std::uint32_t> order(names.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    int c = names.compare(a, b);
    return c < 0 || (c == 0 && a < b);
  });
  Sha256 summary;
  std::string line;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && names.compare(order[i], order[j]) == 0) {
      ++j;
    }
    const auto& d = digests[order[j - 1]];
    const std::string hex = to_hex(
      std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
    for (; i < j; ++i) {
      line = hex;
      line += "  ";
      names.append_to(order[i], line);
      line += '\n';
      summary.update(line);
    }
  }
  return "h1:" + summary.base64_digest();
}

// HashZip for any zip, at the cost of keeping every name to sort them, but
// compactly (ZipNames): in one buffer, each without the part it shares with
// the first name (the "module@version/" prefix at least), with a 32-byte
// digest; 52 bytes and the rest of its name a file.
Result<std::string>
hash_sorting(const fs::path& zip_file, DigestsAhead& ahead)
{
  auto names = read_names(zip_file);
  if (!names) {
    return names.error();
  }
  auto digests = read_digests(zip_file, 0, names->size(), &ahead, nullptr);
  if (!digests) {
    return digests.error();
  }
  return summarize_by_name(*names, *digests);
}

} // namespace

std::string
sha256_hex(std::string_view data)
{
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

Result<std::string>
hash1(std::vector<FileDigest> files)
{
  std::sort(
    files.begin(), files.end(), [](const FileDigest& a, const FileDigest& b) {
      return a.name < b.name;
    });
  Sha256 summary;
  for (const FileDigest& f : files) {
    // A newline in a name would let one file's line pose as two.
    if (f.name.find('\n') != std::string::npos) {
      return Error::invalid(
        "dirhash: filenames with newlines are not supported");
    }
    summary.update(f.sha256_hex);
    summary.update("  ");
    summary.update(f.name);
    summary.update("\n");
  }
  return "h1:" + summary.base64_digest();
}

std::string
hash_go_mod(std::string_view data)
{
  // Only a newline in a name can fail, and "go.mod" has none.
  return *hash1({{"go.mod", sha256_hex(data)}});
}

Result<std::string>
hash_zip(const fs::path& zip_file)
{
  // Both walks read every entry's content in the zip's order: the second
  // half's is read ahead, on another thread, for either.
  DigestsAhead ahead(zip_file);
  auto in_order = hash_in_order(zip_file, ahead);
  if (!in_order) {
    return in_order.error();
  }
  if (*in_order) {
    return std::move(**in_order);
  }
  return hash_sorting(zip_file, ahead);
}

Result<std::string>
hash_dir(const fs::path& dir, std::string_view prefix)
{
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) {
    return io_error("lstat", dir, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error::invalid(format("{} is not a directory", dir.string()));
  }
  std::vector<std::pair<std::string, fs::path>> found;
  GPX_TRY(list_files(dir, "", found));
  std::vector<FileDigest> files;
  files.reserve(found.size());
  for (auto& [rel, abs] : found) {
    std::string name = clean_join(prefix, rel);
    if (name.find('\n') != std::string::npos) {
      return Error::invalid(
        "dirhash: filenames with newlines are not supported");
    }
    auto digest = sha256_file_hex(abs);
    if (!digest) {
      return digest.error();
    }
    files.push_back({std::move(name), std::move(*digest)});
  }
  return hash1(std::move(files));
}

} // namespace gpx::gomod::dirhash
