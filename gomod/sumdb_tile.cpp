// golang.org/x/mod/sumdb/tlog/tile.go: tile coordinates and paths, and a
// HashReader that reads hashes from tiles and authenticates every tile
// against the tree hash before trusting (or saving) any of it.
//
// Tile paths, tree sizes and tile data come from the network: x/mod's
// shifts of 64 bits or more (0 in Go, undefined in C++) and its panics on
// bad heights become empty results or errors here.

#include "sumdb_tile.hpp"

#include <gomod/format.hpp>
#include <gomod/strconv.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

namespace gpx::gomod::tlog {

namespace {

constexpr int k_max_height = 30;
constexpr int k_max_level = 62; // as stored_hash_index allows
// N is written three digits per path element, so that no directory of a
// tile server has more than 3000 entries.
constexpr std::int64_t k_path_base = 1000;
constexpr std::int64_t k_int64_max = std::numeric_limits<std::int64_t>::max();

bool
valid_height(int h)
{
  return h >= 1 && h <= k_max_height;
}

int
full_width(int h)
{
  return 1 << h;
}

// x >> s with Go's meaning for s ≥ 64.
std::int64_t
shr(std::int64_t x, int s)
{
  if (s >= 63) {
    return x < 0 ? -1 : 0;
  }
  return x >> s;
}

Error
bad_path(std::string_view path)
{
  return Error::invalid(format("malformed tile path {}", strconv::quote(path)));
}

Error
invalid_tile(const Tile& t)
{
  return Error::invalid(format("invalid tile {}", t.path()));
}

Error
inconsistent_tile()
{
  return Error::upstream("downloaded inconsistent tile");
}

Error
bad_math(std::string_view what)
{
  return Error::internal(format("bad math in tileHashReader: {}", what));
}

std::vector<std::string_view>
split(std::string_view s, char sep)
{
  std::vector<std::string_view> out;
  for (;;) {
    std::size_t i = s.find(sep);
    out.push_back(s.substr(0, i));
    if (i == std::string_view::npos) {
      return out;
    }
    s.remove_prefix(i + 1);
  }
}

// Decimal digits only, few enough not to overflow. Go's Atoi also takes a
// sign, but ParseTilePath rejects any path that does not round-trip, and a
// round-tripping path never has one.
std::optional<std::int64_t>
parse_digits(std::string_view s)
{
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

// An int field of Tile: h, l or w.
std::optional<int>
parse_int(std::string_view s)
{
  auto v = parse_digits(s);
  if (!v || *v > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// The tile path's N elements: "x123", "x456", "789".
std::optional<std::int64_t>
parse_tile_number(const std::vector<std::string_view>& elems)
{
  std::int64_t n = 0;
  for (std::string_view e : elems) {
    if (e.starts_with('x')) {
      e.remove_prefix(1);
    }
    auto nn = parse_digits(e);
    if (!nn || *nn >= k_path_base || n > (k_int64_max - *nn) / k_path_base) {
      return std::nullopt;
    }
    n = n * k_path_base + *nn;
  }
  return n;
}

// Where the hash at a stored index lives: its tile of height h (of the
// least width holding it) and its bytes [start, end) in that tile's data.
// The hash is the subtree hash of those bytes (tile_hash).
struct TileSlot
{
  Tile tile;
  std::size_t start = 0;
  std::size_t end = 0;
};

// h valid and index ≥ 0.
TileSlot
locate(int h, std::int64_t index)
{
  auto [level, n] = split_stored_hash_index(index);
  TileSlot s;
  s.tile.h = h;
  s.tile.l = level / h;
  level -= s.tile.l * h; // the level within the tile
  s.tile.n = (n << level) >> h;
  n -= (s.tile.n << h) >> level; // n within the tile, at that level
  s.tile.w = static_cast<int>((n + 1) << level);
  s.start = static_cast<std::size_t>(n << level) * hash_size;
  s.end = static_cast<std::size_t>((n + 1) << level) * hash_size;
  return s;
}

// The hash of the subtree whose leaves are data's hashes (a power of two).
Hash
tile_hash(std::string_view data)
{
  if (data.size() == hash_size) {
    Hash h;
    std::copy(data.begin(), data.end(), h.begin());
    return h;
  }
  std::size_t half = data.size() / 2;
  return node_hash(tile_hash(data.substr(0, half)),
                   tile_hash(data.substr(half)));
}

// t's k'th parent tile in the tiles of a tree of n records, no wider than
// the tree; Tile{} if the tree has none there.
Tile
tile_parent(Tile t, int k, std::int64_t n)
{
  t.l += k;
  t.n = shr(t.n, k * t.h);
  t.w = full_width(t.h);
  std::int64_t max = shr(n, t.l * t.h);
  std::int64_t first = t.n << t.h;
  if (first + t.w >= max) {
    if (first >= max) {
      return Tile{};
    }
    t.w = static_cast<int>(max - first);
  }
  return t;
}

// The storage indexes of the hashes whose combination is the tree hash:
// one per set bit of n, largest subtree first (x/mod's subTreeIndex(0, n)).
std::vector<std::int64_t>
tree_hash_indexes(std::int64_t n)
{
  std::vector<std::int64_t> out;
  std::int64_t lo = 0;
  for (int level = k_max_level; level >= 0; level--) {
    if ((n >> level & 1) != 0) {
      out.push_back(stored_hash_index(level, lo >> level));
      lo += std::int64_t{1} << level;
    }
  }
  return out;
}

// The tiles one read_hashes call fetches, parents before children.
struct Plan
{
  std::vector<Tile> tiles;
  std::map<Tile, std::size_t> order;   // tiles[order[t]] == t
  std::vector<std::int64_t> stx;       // tree_hash_indexes
  std::vector<std::size_t> stx_tile;   // the tile of each stx index
  std::size_t num_stx_tiles = 0;       // tiles[0, this) hold the stx hashes
  std::vector<std::size_t> index_tile; // the tile of each requested index

  std::size_t
  add(const Tile& t)
  {
    order.emplace(t, tiles.size());
    tiles.push_back(t);
    return tiles.size() - 1;
  }
};

Status
plan_tree_hash(Plan& plan, int h, std::int64_t n)
{
  plan.stx = tree_hash_indexes(n);
  for (std::int64_t x : plan.stx) {
    Tile t = tile_parent(locate(h, x).tile, 0, n);
    if (t.h == 0) {
      return bad_math(format("{} {}: no tile", n, x));
    }
    auto it = plan.order.find(t);
    plan.stx_tile.push_back(it != plan.order.end() ? it->second : plan.add(t));
  }
  plan.num_stx_tiles = plan.tiles.size();
  return {};
}

// Adds x's tile and, above it, every parent up to one already planned, so
// that each tile can be checked against a parent checked before it.
Status
plan_index(Plan& plan, int h, std::int64_t n, std::int64_t x)
{
  Tile tile = locate(h, x).tile;
  int k = 0;
  for (;; k++) {
    if (k > 64) {
      return bad_math(format("{} {}: no planned parent", n, x));
    }
    auto it = plan.order.find(tile_parent(tile, k, n));
    if (it != plan.order.end()) {
      if (k == 0) {
        plan.index_tile.push_back(it->second);
      }
      break;
    }
  }
  for (k--; k >= 0; k--) {
    Tile p = tile_parent(tile, k, n);
    // Only full tiles have parents; this one has one.
    if (p.h == 0 || p.w != full_width(p.h)) {
      return bad_math(format("{} {} {}", n, x, p.path()));
    }
    std::size_t j = plan.add(p);
    if (k == 0) {
      plan.index_tile.push_back(j);
    }
  }
  return {};
}

Status
check_tile_sizes(const Plan& plan, const std::vector<std::string>& data)
{
  if (data.size() != plan.tiles.size()) {
    return Error::upstream(
      format("TileReader returned bad result slice (len={}, want {})",
             data.size(),
             plan.tiles.size()));
  }
  for (std::size_t i = 0; i < data.size(); i++) {
    const Tile& t = plan.tiles[i];
    std::size_t want = static_cast<std::size_t>(t.w) * hash_size;
    if (data[i].size() != want) {
      return Error::upstream(
        format("TileReader returned bad result slice ({} len={}, want {})",
               t.path(),
               data[i].size(),
               want));
    }
  }
  return {};
}

// The tree-hash tiles are exactly covered by the stx hashes, so recomputing
// the tree hash from them checks every byte of them.
Status
authenticate_tree_hash_tiles(const Plan& plan,
                             const std::vector<std::string>& data,
                             const Hash& tree_hash)
{
  std::optional<Hash> root;
  for (std::size_t i = plan.stx.size(); i-- > 0;) {
    std::size_t j = plan.stx_tile[i];
    auto h = hash_from_tile(plan.tiles[j], data[j], plan.stx[i]);
    if (!h) {
      return h.error();
    }
    root = root ? node_hash(*h, *root) : *h;
  }
  if (!root || *root != tree_hash) {
    return inconsistent_tile(); // at least one of them is wrong; which is
                                // unknown
  }
  return {};
}

// Each other tile is full and its parent comes before it, so checking its
// hash against the parent's, in order, extends trust down from the root.
//
// x/mod starts this loop at len(stx), the number of tree-hash *indexes*:
// when two of them share a tile (a tree of 7 records, height 2) the first
// tiles after the tree-hash tiles are never checked, and a tampered tile is
// returned and saved. We start after the tree-hash tiles.
Status
authenticate_other_tiles(const Plan& plan,
                         const std::vector<std::string>& data,
                         std::int64_t n)
{
  for (std::size_t i = plan.num_stx_tiles; i < plan.tiles.size(); i++) {
    const Tile& t = plan.tiles[i];
    Tile p = tile_parent(t, 1, n);
    auto it = plan.order.find(p);
    if (it == plan.order.end()) {
      return bad_math(format("{}: lost parent of {}", n, t.path()));
    }
    auto h =
      hash_from_tile(p, data[it->second], stored_hash_index(p.l * p.h, t.n));
    if (!h) {
      return bad_math(
        format("{}: lost hash of {}: {}", n, t.path(), h.error().message));
    }
    if (*h != tile_hash(data[i])) {
      return inconsistent_tile();
    }
  }
  return {};
}

} // namespace

std::string
Tile::path() const
{
  std::int64_t rest = n;
  std::string nstr = format("{:03}", rest % k_path_base);
  while (rest >= k_path_base) {
    rest /= k_path_base;
    nstr = format("x{:03}/{}", rest % k_path_base, nstr);
  }
  bool full = h >= 0 && h <= k_max_height && w == full_width(h);
  std::string pstr = full ? "" : format(".p/{}", w);
  std::string lstr = l == -1 ? "data" : format("{}", l);
  return format("tile/{}/{}/{}{}", h, lstr, nstr, pstr);
}

Result<Tile>
parse_tile_path(std::string_view path)
{
  std::vector<std::string_view> f = split(path, '/');
  if (f.size() < 4 || f[0] != "tile") {
    return bad_path(path);
  }
  bool is_data = f[2] == "data";
  auto h = parse_int(f[1]);
  auto l = is_data ? std::optional<int>(0) : parse_int(f[2]);
  if (!h || !l || !valid_height(*h)) {
    return bad_path(path);
  }
  int w = full_width(*h);
  if (std::string_view& dot_p = f[f.size() - 2]; dot_p.ends_with(".p")) {
    auto ww = parse_int(f.back());
    if (!ww || *ww <= 0 || *ww >= w) {
      return bad_path(path);
    }
    w = *ww;
    dot_p.remove_suffix(2);
    f.pop_back();
  }
  auto n =
    parse_tile_number(std::vector<std::string_view>(f.begin() + 3, f.end()));
  if (!n) {
    return bad_path(path);
  }
  Tile t{*h, is_data ? -1 : *l, *n, w};
  if (t.path() != path) {
    return bad_path(path);
  }
  return t;
}

// Tile{} for a height outside 1..30 or a negative index: x/mod panics.
Tile
tile_for_index(int h, std::int64_t index)
{
  if (!valid_height(h) || index < 0) {
    return Tile{};
  }
  return locate(h, index).tile;
}

Result<Hash>
hash_from_tile(const Tile& t, std::string_view data, std::int64_t index)
{
  if (!valid_height(t.h) || t.l < 0 || t.l >= 64 || t.w < 1
      || t.w > full_width(t.h)) {
    return invalid_tile(t);
  }
  if (data.size() < static_cast<std::size_t>(t.w) * hash_size) {
    return Error::invalid(
      format("data len {} too short for tile {}", data.size(), t.path()));
  }
  if (index < 0) {
    return Error::invalid(
      format("index {} is not in tile {}", index, t.path()));
  }
  TileSlot s = locate(t.h, index);
  if (t.l != s.tile.l || t.n != s.tile.n || t.w < s.tile.w) {
    return Error::invalid(
      format("index {} is in {} not {}", index, s.tile.path(), t.path()));
  }
  return tile_hash(data.substr(s.start, s.end - s.start));
}

// x/mod since v0.17: only the tiles a client can verify, those of the new
// tree, not those of every size in between. Nothing for a tree that does
// not grow, or for an invalid height (x/mod panics).
std::vector<Tile>
new_tiles(int h, std::int64_t old_size, std::int64_t new_size)
{
  std::vector<Tile> tiles;
  if (!valid_height(h) || old_size < 0 || new_size <= old_size) {
    return tiles;
  }
  for (int level = 0; shr(new_size, h * level) > 0; level++) {
    std::int64_t old_n = shr(old_size, h * level);
    std::int64_t new_n = shr(new_size, h * level);
    if (old_n == new_n) {
      continue;
    }
    for (std::int64_t n = old_n >> h; n < new_n >> h; n++) {
      tiles.push_back(Tile{h, level, n, full_width(h)});
    }
    std::int64_t n = new_n >> h;
    if (int w = static_cast<int>(new_n - (n << h)); w > 0) {
      tiles.push_back(Tile{h, level, n, w});
    }
  }
  return tiles;
}

Result<std::string>
read_tile_data(const Tile& t, HashReader& r)
{
  // A data tile holds records, not hashes; a zero width means a full tile.
  if (!valid_height(t.h) || t.l < 0 || t.l > k_max_level || t.n < 0 || t.w < 0
      || t.w > full_width(t.h) || t.n > (k_int64_max >> t.h)) {
    return invalid_tile(t);
  }
  int size = t.w == 0 ? full_width(t.h) : t.w;
  std::int64_t start = t.n << t.h;
  std::vector<std::int64_t> indexes;
  for (int i = 0; i < size; i++) {
    std::int64_t x = stored_hash_index(t.h * t.l, start + i);
    if (x < 0) {
      return invalid_tile(t);
    }
    indexes.push_back(x);
  }
  auto hashes = read_hashes_checked(r, indexes);
  if (!hashes) {
    return hashes.error();
  }
  std::string data;
  data.reserve(hashes->size() * hash_size);
  for (const Hash& h : *hashes) {
    data.append(reinterpret_cast<const char*>(h.data()), h.size());
  }
  return data;
}

Result<std::vector<Hash>>
TileHashReader::read_hashes(const std::vector<std::int64_t>& indexes)
{
  if (indexes.empty()) {
    return std::vector<Hash>{}; // x/mod would fetch and save the tree-hash
                                // tiles anyway
  }
  int h = m_reader.height();
  std::int64_t end = stored_hash_index(0, m_tree.n);
  if (!valid_height(h) || end < 0) {
    return Error::invalid(
      format("tlog: invalid tile height {} or tree size {}", h, m_tree.n));
  }
  for (std::int64_t x : indexes) {
    if (x < 0 || x >= end) {
      return Error::invalid("indexes not in tree");
    }
  }

  Plan plan;
  GPX_TRY(plan_tree_hash(plan, h, m_tree.n));
  for (std::int64_t x : indexes) {
    GPX_TRY(plan_index(plan, h, m_tree.n, x));
  }

  auto data = m_reader.read_tiles(plan.tiles);
  if (!data) {
    return data.error();
  }
  GPX_TRY(check_tile_sizes(plan, *data));
  GPX_TRY(authenticate_tree_hash_tiles(plan, *data, m_tree.hash));
  GPX_TRY(authenticate_other_tiles(plan, *data, m_tree.n));
  m_reader.save_tiles(plan.tiles, *data);

  std::vector<Hash> hashes;
  for (std::size_t i = 0; i < indexes.size(); i++) {
    std::size_t j = plan.index_tile[i];
    auto hash = hash_from_tile(plan.tiles[j], (*data)[j], indexes[i]);
    if (!hash) {
      return bad_math(format(
        "{}: lost hash {}: {}", m_tree.n, indexes[i], hash.error().message));
    }
    hashes.push_back(*hash);
  }
  return hashes;
}

} // namespace gpx::gomod::tlog
