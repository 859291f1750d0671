// golang.org/x/mod/sumdb/tlog's tlog.go and note.go: RFC 6962 Merkle tree
// hashes, the stored hash index, record and tree proofs, and the tree and
// record texts of the checksum database.
//
// Tree sizes, record numbers and proofs arrive from the network, so every
// entry point rejects what x/mod would panic on or overflow with: negative
// sizes, and sizes whose storage indexes do not fit in int64 (no real log
// comes anywhere near 2^62 records).

#include "sumdb_tlog.hpp"

#include <gomod/format.hpp>
#include <gomod/sha256.hpp>
#include <gomod/strconv.hpp>

#include <openssl/sha.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>

namespace gpx::gomod::tlog {

namespace {

// stored_hash_index(0, n) must fit in int64 for every n up to a tree size.
constexpr std::int64_t k_max_tree_size = (std::int64_t{1} << 62) - 1;
constexpr int k_max_level = 62;

constexpr std::string_view k_tree_prefix = "go.sum database tree\n";
constexpr std::size_t k_max_tree_note = 1'000'000;

Error
invalid_inputs(std::string_view fn)
{
  return Error::invalid(format("tlog: invalid inputs in {}", fn));
}

Error
proof_failed()
{
  return Error::invalid("invalid transparency proof");
}

Error
malformed_tree()
{
  return Error::invalid("malformed tree note");
}

Error
malformed_record()
{
  return Error::invalid("malformed record data");
}

bool
valid_tree_size(std::int64_t n)
{
  return n >= 0 && n <= k_max_tree_size;
}

// k, the largest power of two smaller than n, and log2(k); (1, 0) for n ≤ 2
// as in x/mod, whose callers never ask about smaller n.
struct Pow2
{
  std::int64_t k;
  int level;
};

Pow2
maxpow2(std::int64_t n)
{
  if (n <= 2) {
    return {1, 0};
  }
  int level = std::bit_width(static_cast<std::uint64_t>(n - 1)) - 1;
  return {std::int64_t{1} << level, level};
}

int
trailing_zeros(std::int64_t n)
{
  return std::countr_zero(static_cast<std::uint64_t>(n));
}

// A HashReader may be someone else's code: a short answer must not let us
// read past its end.
Result<std::vector<Hash>>
read_exactly(HashReader& r, const std::vector<std::int64_t>& indexes)
{
  if (indexes.empty()) {
    return std::vector<Hash>{}; // the first record, say: a tile reader would
                                // still fetch tiles
  }
  auto hashes = read_hashes_checked(r, indexes);
  if (!hashes) {
    return hashes.error();
  }
  return hashes;
}

// The storage indexes of the hashes that make up the subtree [lo, hi):
// RFC 6962's split into a largest power of two on the left and the rest.
void
sub_tree_index(std::int64_t lo,
               std::int64_t hi,
               std::vector<std::int64_t>& need)
{
  while (lo < hi) {
    auto [k, level] = maxpow2(hi - lo + 1);
    need.push_back(stored_hash_index(level, lo >> level));
    lo += k;
  }
}

// The hashes fetched for a list of indexes, consumed front to back by the
// same recursion that listed the indexes.
using HashSpan = std::span<const Hash>;

Hash
sub_tree_hash(std::int64_t lo, std::int64_t hi, HashSpan& hashes)
{
  std::size_t num_tree = 0;
  while (lo < hi) {
    lo += maxpow2(hi - lo + 1).k;
    num_tree++;
  }
  Hash h = hashes[num_tree - 1];
  for (std::size_t i = num_tree - 1; i-- > 0;) {
    h = node_hash(hashes[i], h);
  }
  hashes = hashes.subspan(num_tree);
  return h;
}

void
leaf_proof_index(std::int64_t lo,
                 std::int64_t hi,
                 std::int64_t n,
                 std::vector<std::int64_t>& need)
{
  if (lo + 1 == hi) {
    return;
  }
  std::int64_t k = maxpow2(hi - lo).k;
  if (n < lo + k) {
    leaf_proof_index(lo, lo + k, n, need);
    sub_tree_index(lo + k, hi, need);
  } else {
    sub_tree_index(lo, lo + k, need);
    leaf_proof_index(lo + k, hi, n, need);
  }
}

// Appends the proof, deepest level first, as x/mod lays it out.
void
leaf_proof(std::int64_t lo,
           std::int64_t hi,
           std::int64_t n,
           HashSpan& hashes,
           RecordProof& p)
{
  if (lo + 1 == hi) {
    return; // the verifier knows the leaf hash
  }
  std::int64_t k = maxpow2(hi - lo).k;
  if (n < lo + k) {
    leaf_proof(lo, lo + k, n, hashes, p);
    p.push_back(sub_tree_hash(lo + k, hi, hashes));
  } else {
    Hash th = sub_tree_hash(lo, lo + k, hashes);
    leaf_proof(lo + k, hi, n, hashes, p);
    p.push_back(th);
  }
}

// The subtree hash [lo, hi) implied by proof p for leaf n; nullopt if p has
// too few or too many hashes.
std::optional<Hash>
run_record_proof(HashSpan p,
                 std::int64_t lo,
                 std::int64_t hi,
                 std::int64_t n,
                 const Hash& leaf)
{
  if (lo + 1 == hi) {
    return p.empty() ? std::optional<Hash>(leaf) : std::nullopt;
  }
  if (p.empty()) {
    return std::nullopt;
  }
  std::int64_t k = maxpow2(hi - lo).k;
  const Hash& sibling = p.back();
  HashSpan rest = p.first(p.size() - 1);
  if (n < lo + k) {
    auto th = run_record_proof(rest, lo, lo + k, n, leaf);
    return th ? std::optional<Hash>(node_hash(*th, sibling)) : std::nullopt;
  }
  auto th = run_record_proof(rest, lo + k, hi, n, leaf);
  return th ? std::optional<Hash>(node_hash(sibling, *th)) : std::nullopt;
}

void
tree_proof_index(std::int64_t lo,
                 std::int64_t hi,
                 std::int64_t n,
                 std::vector<std::int64_t>& need)
{
  if (n == hi) {
    if (lo != 0) {
      sub_tree_index(lo, hi, need);
    }
    return;
  }
  std::int64_t k = maxpow2(hi - lo).k;
  if (n <= lo + k) {
    tree_proof_index(lo, lo + k, n, need);
    sub_tree_index(lo + k, hi, need);
  } else {
    sub_tree_index(lo, lo + k, need);
    tree_proof_index(lo + k, hi, n, need);
  }
}

void
tree_proof(std::int64_t lo,
           std::int64_t hi,
           std::int64_t n,
           HashSpan& hashes,
           TreeProof& p)
{
  if (n == hi) {
    if (lo != 0) {
      p.push_back(sub_tree_hash(lo, hi, hashes));
    }
    return; // lo == 0: this is the old tree, whose hash the verifier has
  }
  std::int64_t k = maxpow2(hi - lo).k;
  if (n <= lo + k) {
    tree_proof(lo, lo + k, n, hashes, p);
    p.push_back(sub_tree_hash(lo + k, hi, hashes));
  } else {
    Hash th = sub_tree_hash(lo, lo + k, hashes);
    tree_proof(lo + k, hi, n, hashes, p);
    p.push_back(th);
  }
}

// The hashes of the subtree [lo, hi) in the old tree (n records) and in the
// new one, as implied by proof p and the old tree's hash.
struct TreeHashes
{
  Hash old_hash;
  Hash new_hash;
};

std::optional<TreeHashes>
run_tree_proof(
  HashSpan p, std::int64_t lo, std::int64_t hi, std::int64_t n, const Hash& old)
{
  if (n == hi) {
    if (lo == 0) {
      return p.empty() ? std::optional<TreeHashes>({old, old}) : std::nullopt;
    }
    return p.size() == 1 ? std::optional<TreeHashes>({p[0], p[0]})
                         : std::nullopt;
  }
  if (p.empty()) {
    return std::nullopt;
  }
  std::int64_t k = maxpow2(hi - lo).k;
  const Hash& sibling = p.back();
  HashSpan rest = p.first(p.size() - 1);
  if (n <= lo + k) {
    auto sub = run_tree_proof(rest, lo, lo + k, n, old);
    if (!sub) {
      return std::nullopt;
    }
    return TreeHashes{sub->old_hash, node_hash(sub->new_hash, sibling)};
  }
  auto sub = run_tree_proof(rest, lo + k, hi, n, old);
  if (!sub) {
    return std::nullopt;
  }
  return TreeHashes{node_hash(sibling, sub->old_hash),
                    node_hash(sibling, sub->new_hash)};
}

int
base64_value(char c)
{
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  return c == '/' ? 63 : -1;
}

// base64.StdEncoding.DecodeString: padding required and nothing after it,
// but '\r' and '\n' are skipped anywhere and the unused low bits of the last
// character need not be zero. Anything else fails, as in Go; accepting
// exactly what the go command accepts keeps us from rejecting (or taking)
// a tree note it would not.
std::optional<std::string>
decode_base64(std::string_view in)
{
  std::string s;
  std::copy_if(in.begin(), in.end(), std::back_inserter(s), [](char c) {
    return c != '\r' && c != '\n';
  });
  if (s.size() % 4 != 0) {
    return std::nullopt;
  }
  std::size_t pad = s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 4) {
    std::size_t data_chars = i + 4 == s.size() ? 4 - pad : 4;
    std::uint32_t val = 0;
    for (std::size_t j = 0; j < 4; j++) {
      int v = j < data_chars ? base64_value(s[i + j]) : 0;
      if (v < 0) {
        return std::nullopt;
      }
      val = val << 6 | static_cast<std::uint32_t>(v);
    }
    for (std::size_t j = 0; j + 1 < data_chars; j++) {
      out.push_back(static_cast<char>(val >> (16 - 8 * j) & 0xff));
    }
  }
  return out;
}

// strconv.ParseInt(s, 10, 64): an optional sign, then at least one digit,
// leading zeros allowed; errors on anything else or overflow.
std::optional<std::int64_t>
parse_int64(std::string_view s)
{
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  // Accumulate negatively: INT64_MIN has no positive counterpart.
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    int d = c - '0';
    if (v < (min + d) / 10) {
      return std::nullopt;
    }
    v = v * 10 - d;
  }
  if (negative) {
    return v;
  }
  if (v == min) {
    return std::nullopt;
  }
  return -v;
}

// isValidRecordText: UTF-8, no control characters but '\n', no blank line,
// ending in '\n'.
bool
is_valid_record_text(std::string_view text)
{
  char32_t last = 0;
  while (!text.empty()) {
    auto [r, size] = strconv::decode_rune(text);
    bool invalid_utf8 = r == strconv::k_rune_error && size == 1;
    if ((r < 0x20 && r != '\n') || invalid_utf8
        || (last == '\n' && r == '\n')) {
      return false;
    }
    text.remove_prefix(size);
    last = r;
  }
  return last == '\n';
}

} // namespace

std::string
to_base64(const Hash& h)
{
  return gomod::to_base64(
    std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

Result<Hash>
hash_from_base64(std::string_view b64)
{
  auto data = decode_base64(b64);
  if (!data || data->size() != hash_size) {
    return Error::invalid("malformed hash");
  }
  Hash h;
  std::memcpy(h.data(), data->data(), hash_size);
  return h;
}

Hash
record_hash(std::string_view data)
{
  Sha256 sha;
  sha.update(std::string_view("\0", 1));
  sha.update(data);
  std::string digest = sha.digest();
  Hash h;
  std::memcpy(h.data(), digest.data(), hash_size);
  return h;
}

Hash
node_hash(const Hash& left, const Hash& right)
{
  // One-shot SHA256: this is the hot path of tile authentication and proofs.
  std::array<unsigned char, 1 + 2 * hash_size> buf;
  buf[0] = 0x01;
  std::memcpy(buf.data() + 1, left.data(), hash_size);
  std::memcpy(buf.data() + 1 + hash_size, right.data(), hash_size);
  Hash h;
  SHA256(buf.data(), buf.size(), h.data());
  return h;
}

// -1 when level is outside 0..62, n is negative, or the index would not fit
// in int64; callers that take n from outside check for it.
std::int64_t
stored_hash_index(int level, std::int64_t n)
{
  if (level < 0 || level > k_max_level || n < 0
      || (n >> (k_max_level - level)) != 0) {
    return -1;
  }
  // Level L's n'th hash is written right after level L+1's 2n+1'th hash, so
  // walk down to the level-0 hash that precedes it...
  n = ((n + 1) << level) - 1;
  // ...which is at n + n/2 + n/4 + ... (Crosby and Wallach, section 3.3).
  std::int64_t i = 0;
  for (; n > 0; n >>= 1) {
    i += n;
  }
  return i + level;
}

// {-1, -1} for a negative index.
std::pair<int, std::int64_t>
split_stored_hash_index(std::int64_t index)
{
  if (index < 0) {
    return {-1, -1};
  }
  // stored_hash_index(0, n) < 2n, so the record whose hashes include index
  // is in [index/2, index/2 + log2(index)].
  std::int64_t n = index / 2;
  std::int64_t index_n = stored_hash_index(0, n);
  for (;;) {
    // Record n+1 adds 1 + trailing_zeros(n+1) hashes. Compared as a
    // difference: index_n + 1 + ... can overflow near INT64_MAX.
    std::int64_t added = 1 + trailing_zeros(n + 1);
    if (index - index_n < added) {
      break;
    }
    n++;
    index_n += added;
  }
  // The hash was stored with record n: it is (0, n), (1, n/2), (2, n/4)...
  int level = static_cast<int>(index - index_n);
  return {level, n >> level};
}

// -1 for a negative or impossibly large n.
std::int64_t
stored_hash_count(std::int64_t n)
{
  if (!valid_tree_size(n)) {
    return -1;
  }
  if (n == 0) {
    return 0;
  }
  // The hashes up to the last leaf's, then those of the subtrees it completes.
  std::int64_t count = stored_hash_index(0, n - 1) + 1;
  for (auto i = static_cast<std::uint64_t>(n - 1); (i & 1) != 0; i >>= 1) {
    count++;
  }
  return count;
}

Result<std::vector<Hash>>
stored_hashes(std::int64_t n, std::string_view data, HashReader& r)
{
  return stored_hashes_for_record_hash(n, record_hash(data), r);
}

Result<std::vector<Hash>>
stored_hashes_for_record_hash(std::int64_t n, const Hash& h, HashReader& r)
{
  if (n < 0 || n >= k_max_tree_size) {
    return invalid_inputs("StoredHashes");
  }
  // Each trailing 1 bit of n completes a subtree, whose left half is an
  // earlier stored hash. Indexes are listed in increasing order.
  int m = trailing_zeros(n + 1);
  std::vector<std::int64_t> indexes(static_cast<std::size_t>(m));
  for (int i = 0; i < m; i++) {
    indexes[static_cast<std::size_t>(m - 1 - i)] =
      stored_hash_index(i, (n >> i) - 1);
  }
  auto old = read_exactly(r, indexes);
  if (!old) {
    return old.error();
  }
  std::vector<Hash> hashes{h};
  for (int i = 0; i < m; i++) {
    hashes.push_back(
      node_hash((*old)[static_cast<std::size_t>(m - 1 - i)], hashes.back()));
  }
  return hashes;
}

Result<Hash>
tree_hash(std::int64_t n, HashReader& r)
{
  if (!valid_tree_size(n)) {
    return invalid_inputs("TreeHash");
  }
  if (n == 0) {
    // RFC 6962 section 2.1: the hash of an empty list is SHA-256 of nothing
    // (x/mod since v0.19; before, all zeros).
    Hash h;
    SHA256(reinterpret_cast<const unsigned char*>(""), 0, h.data());
    return h;
  }
  std::vector<std::int64_t> indexes;
  sub_tree_index(0, n, indexes);
  auto hashes = read_exactly(r, indexes);
  if (!hashes) {
    return hashes.error();
  }
  HashSpan rest(*hashes);
  return sub_tree_hash(0, n, rest);
}

Result<RecordProof>
prove_record(std::int64_t t, std::int64_t n, HashReader& r)
{
  if (!valid_tree_size(t) || n < 0 || n >= t) {
    return invalid_inputs("ProveRecord");
  }
  std::vector<std::int64_t> indexes;
  leaf_proof_index(0, t, n, indexes);
  if (indexes.empty()) {
    return RecordProof{};
  }
  auto hashes = read_exactly(r, indexes);
  if (!hashes) {
    return hashes.error();
  }
  HashSpan rest(*hashes);
  RecordProof p;
  leaf_proof(0, t, n, rest, p);
  return p;
}

Status
check_record(const RecordProof& p,
             std::int64_t t,
             const Hash& th,
             std::int64_t n,
             const Hash& h)
{
  if (!valid_tree_size(t) || n < 0 || n >= t) {
    return invalid_inputs("CheckRecord");
  }
  auto th2 = run_record_proof(p, 0, t, n, h);
  if (!th2 || *th2 != th) {
    return proof_failed();
  }
  return {};
}

Result<TreeProof>
prove_tree(std::int64_t t, std::int64_t n, HashReader& r)
{
  if (!valid_tree_size(t) || t < 1 || n < 1 || n > t) {
    return invalid_inputs("ProveTree");
  }
  std::vector<std::int64_t> indexes;
  tree_proof_index(0, t, n, indexes);
  if (indexes.empty()) {
    return TreeProof{};
  }
  auto hashes = read_exactly(r, indexes);
  if (!hashes) {
    return hashes.error();
  }
  HashSpan rest(*hashes);
  TreeProof p;
  tree_proof(0, t, n, rest, p);
  return p;
}

Status
check_tree(const TreeProof& p,
           std::int64_t t,
           const Hash& th,
           std::int64_t n,
           const Hash& h)
{
  if (!valid_tree_size(t) || t < 1 || n < 1 || n > t) {
    return invalid_inputs("CheckTree");
  }
  auto got = run_tree_proof(p, 0, t, n, h);
  if (!got || got->new_hash != th || got->old_hash != h) {
    return proof_failed();
  }
  return {};
}

std::string
format_tree(const Tree& tree)
{
  return format("{}{}\n{}\n", k_tree_prefix, tree.n, to_base64(tree.hash));
}

Result<Tree>
parse_tree(std::string_view text)
{
  if (!text.starts_with(k_tree_prefix) || std::ranges::count(text, '\n') < 3
      || text.size() > k_max_tree_note) {
    return malformed_tree();
  }
  text.remove_prefix(k_tree_prefix.size());
  std::size_t nl1 = text.find('\n');
  std::string_view size_line = text.substr(0, nl1);
  std::string_view rest = text.substr(nl1 + 1);
  std::string_view hash_line = rest.substr(0, rest.find('\n'));

  // Only the canonical decimal form: FormatInt(ParseInt(s)) == s.
  auto n = parse_int64(size_line);
  if (!n || *n < 0 || size_line != format("{}", *n)) {
    return malformed_tree();
  }
  auto hash = hash_from_base64(hash_line);
  if (!hash) {
    return malformed_tree();
  }
  return Tree{*n, *hash};
}

Result<Record>
parse_record(std::string_view msg)
{
  std::size_t nl = msg.find('\n');
  if (nl == std::string_view::npos) {
    return malformed_record();
  }
  auto id = parse_int64(msg.substr(0, nl));
  if (!id) {
    return malformed_record();
  }
  msg.remove_prefix(nl + 1);
  std::size_t blank = msg.find("\n\n");
  if (blank == std::string_view::npos) {
    return malformed_record();
  }
  std::string_view text = msg.substr(0, blank + 1);
  if (!is_valid_record_text(text)) {
    return malformed_record();
  }
  return Record{*id, std::string(text), std::string(msg.substr(blank + 2))};
}

Result<std::string>
format_record(std::int64_t id, std::string_view text)
{
  if (!is_valid_record_text(text)) {
    return malformed_record();
  }
  return format("{}\n{}\n", id, text);
}

Result<std::vector<Hash>>
read_hashes_checked(HashReader& r, const std::vector<std::int64_t>& indexes)
{
  auto hashes = r.read_hashes(indexes);
  if (hashes && hashes->size() != indexes.size()) {
    return Error::internal(format("tlog: ReadHashes({} indexes) = {} hashes",
                                  indexes.size(),
                                  hashes->size()));
  }
  return hashes;
}

} // namespace gpx::gomod::tlog
