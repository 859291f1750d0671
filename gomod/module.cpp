#include "module.hpp"

#include <gomod/format.hpp>
#include <gomod/path.hpp>
#include <gomod/semver.hpp>
#include <gomod/strconv.hpp>

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace gpx::gomod {

namespace {

// ---------------------------------------------------------------------------
// Letters. Module paths are ASCII, but file paths inside a
// module zip may hold any Unicode letter, and a path we accept where go would
// not (or the reverse) changes which zips are valid and so their hashes.

struct RuneRange
{
  char32_t lo;
  char32_t hi;
};

// Every non-ASCII code point for which Go 1.26's unicode.IsLetter is true
// (Unicode 15.0.0, categories Lu Ll Lt Lm Lo), as merged inclusive ranges. An
// approximation would silently disagree with go about which file names a
// module zip may hold, so the table is exact; it was produced by a loop over
// 0x80..0x10FFFF calling unicode.IsLetter, and must be regenerated the same
// way when go moves to a newer Unicode version.
constexpr RuneRange k_letters[] = {
  {0x00AA, 0x00AA},   {0x00B5, 0x00B5},   {0x00BA, 0x00BA},
  {0x00C0, 0x00D6},   {0x00D8, 0x00F6},   {0x00F8, 0x02C1},
  {0x02C6, 0x02D1},   {0x02E0, 0x02E4},   {0x02EC, 0x02EC},
  {0x02EE, 0x02EE},   {0x0370, 0x0374},   {0x0376, 0x0377},
  {0x037A, 0x037D},   {0x037F, 0x037F},   {0x0386, 0x0386},
  {0x0388, 0x038A},   {0x038C, 0x038C},   {0x038E, 0x03A1},
  {0x03A3, 0x03F5},   {0x03F7, 0x0481},   {0x048A, 0x052F},
  {0x0531, 0x0556},   {0x0559, 0x0559},   {0x0560, 0x0588},
  {0x05D0, 0x05EA},   {0x05EF, 0x05F2},   {0x0620, 0x064A},
  {0x066E, 0x066F},   {0x0671, 0x06D3},   {0x06D5, 0x06D5},
  {0x06E5, 0x06E6},   {0x06EE, 0x06EF},   {0x06FA, 0x06FC},
  {0x06FF, 0x06FF},   {0x0710, 0x0710},   {0x0712, 0x072F},
  {0x074D, 0x07A5},   {0x07B1, 0x07B1},   {0x07CA, 0x07EA},
  {0x07F4, 0x07F5},   {0x07FA, 0x07FA},   {0x0800, 0x0815},
  {0x081A, 0x081A},   {0x0824, 0x0824},   {0x0828, 0x0828},
  {0x0840, 0x0858},   {0x0860, 0x086A},   {0x0870, 0x0887},
  {0x0889, 0x088E},   {0x08A0, 0x08C9},   {0x0904, 0x0939},
  {0x093D, 0x093D},   {0x0950, 0x0950},   {0x0958, 0x0961},
  {0x0971, 0x0980},   {0x0985, 0x098C},   {0x098F, 0x0990},
  {0x0993, 0x09A8},   {0x09AA, 0x09B0},   {0x09B2, 0x09B2},
  {0x09B6, 0x09B9},   {0x09BD, 0x09BD},   {0x09CE, 0x09CE},
  {0x09DC, 0x09DD},   {0x09DF, 0x09E1},   {0x09F0, 0x09F1},
  {0x09FC, 0x09FC},   {0x0A05, 0x0A0A},   {0x0A0F, 0x0A10},
  {0x0A13, 0x0A28},   {0x0A2A, 0x0A30},   {0x0A32, 0x0A33},
  {0x0A35, 0x0A36},   {0x0A38, 0x0A39},   {0x0A59, 0x0A5C},
  {0x0A5E, 0x0A5E},   {0x0A72, 0x0A74},   {0x0A85, 0x0A8D},
  {0x0A8F, 0x0A91},   {0x0A93, 0x0AA8},   {0x0AAA, 0x0AB0},
  {0x0AB2, 0x0AB3},   {0x0AB5, 0x0AB9},   {0x0ABD, 0x0ABD},
  {0x0AD0, 0x0AD0},   {0x0AE0, 0x0AE1},   {0x0AF9, 0x0AF9},
  {0x0B05, 0x0B0C},   {0x0B0F, 0x0B10},   {0x0B13, 0x0B28},
  {0x0B2A, 0x0B30},   {0x0B32, 0x0B33},   {0x0B35, 0x0B39},
  {0x0B3D, 0x0B3D},   {0x0B5C, 0x0B5D},   {0x0B5F, 0x0B61},
  {0x0B71, 0x0B71},   {0x0B83, 0x0B83},   {0x0B85, 0x0B8A},
  {0x0B8E, 0x0B90},   {0x0B92, 0x0B95},   {0x0B99, 0x0B9A},
  {0x0B9C, 0x0B9C},   {0x0B9E, 0x0B9F},   {0x0BA3, 0x0BA4},
  {0x0BA8, 0x0BAA},   {0x0BAE, 0x0BB9},   {0x0BD0, 0x0BD0},
  {0x0C05, 0x0C0C},   {0x0C0E, 0x0C10},   {0x0C12, 0x0C28},
  {0x0C2A, 0x0C39},   {0x0C3D, 0x0C3D},   {0x0C58, 0x0C5A},
  {0x0C5D, 0x0C5D},   {0x0C60, 0x0C61},   {0x0C80, 0x0C80},
  {0x0C85, 0x0C8C},   {0x0C8E, 0x0C90},   {0x0C92, 0x0CA8},
  {0x0CAA, 0x0CB3},   {0x0CB5, 0x0CB9},   {0x0CBD, 0x0CBD},
  {0x0CDD, 0x0CDE},   {0x0CE0, 0x0CE1},   {0x0CF1, 0x0CF2},
  {0x0D04, 0x0D0C},   {0x0D0E, 0x0D10},   {0x0D12, 0x0D3A},
  {0x0D3D, 0x0D3D},   {0x0D4E, 0x0D4E},   {0x0D54, 0x0D56},
  {0x0D5F, 0x0D61},   {0x0D7A, 0x0D7F},   {0x0D85, 0x0D96},
  {0x0D9A, 0x0DB1},   {0x0DB3, 0x0DBB},   {0x0DBD, 0x0DBD},
  {0x0DC0, 0x0DC6},   {0x0E01, 0x0E30},   {0x0E32, 0x0E33},
  {0x0E40, 0x0E46},   {0x0E81, 0x0E82},   {0x0E84, 0x0E84},
  {0x0E86, 0x0E8A},   {0x0E8C, 0x0EA3},   {0x0EA5, 0x0EA5},
  {0x0EA7, 0x0EB0},   {0x0EB2, 0x0EB3},   {0x0EBD, 0x0EBD},
  {0x0EC0, 0x0EC4},   {0x0EC6, 0x0EC6},   {0x0EDC, 0x0EDF},
  {0x0F00, 0x0F00},   {0x0F40, 0x0F47},   {0x0F49, 0x0F6C},
  {0x0F88, 0x0F8C},   {0x1000, 0x102A},   {0x103F, 0x103F},
  {0x1050, 0x1055},   {0x105A, 0x105D},   {0x1061, 0x1061},
  {0x1065, 0x1066},   {0x106E, 0x1070},   {0x1075, 0x1081},
  {0x108E, 0x108E},   {0x10A0, 0x10C5},   {0x10C7, 0x10C7},
  {0x10CD, 0x10CD},   {0x10D0, 0x10FA},   {0x10FC, 0x1248},
  {0x124A, 0x124D},   {0x1250, 0x1256},   {0x1258, 0x1258},
  {0x125A, 0x125D},   {0x1260, 0x1288},   {0x128A, 0x128D},
  {0x1290, 0x12B0},   {0x12B2, 0x12B5},   {0x12B8, 0x12BE},
  {0x12C0, 0x12C0},   {0x12C2, 0x12C5},   {0x12C8, 0x12D6},
  {0x12D8, 0x1310},   {0x1312, 0x1315},   {0x1318, 0x135A},
  {0x1380, 0x138F},   {0x13A0, 0x13F5},   {0x13F8, 0x13FD},
  {0x1401, 0x166C},   {0x166F, 0x167F},   {0x1681, 0x169A},
  {0x16A0, 0x16EA},   {0x16F1, 0x16F8},   {0x1700, 0x1711},
  {0x171F, 0x1731},   {0x1740, 0x1751},   {0x1760, 0x176C},
  {0x176E, 0x1770},   {0x1780, 0x17B3},   {0x17D7, 0x17D7},
  {0x17DC, 0x17DC},   {0x1820, 0x1878},   {0x1880, 0x1884},
  {0x1887, 0x18A8},   {0x18AA, 0x18AA},   {0x18B0, 0x18F5},
  {0x1900, 0x191E},   {0x1950, 0x196D},   {0x1970, 0x1974},
  {0x1980, 0x19AB},   {0x19B0, 0x19C9},   {0x1A00, 0x1A16},
  {0x1A20, 0x1A54},   {0x1AA7, 0x1AA7},   {0x1B05, 0x1B33},
  {0x1B45, 0x1B4C},   {0x1B83, 0x1BA0},   {0x1BAE, 0x1BAF},
  {0x1BBA, 0x1BE5},   {0x1C00, 0x1C23},   {0x1C4D, 0x1C4F},
  {0x1C5A, 0x1C7D},   {0x1C80, 0x1C88},   {0x1C90, 0x1CBA},
  {0x1CBD, 0x1CBF},   {0x1CE9, 0x1CEC},   {0x1CEE, 0x1CF3},
  {0x1CF5, 0x1CF6},   {0x1CFA, 0x1CFA},   {0x1D00, 0x1DBF},
  {0x1E00, 0x1F15},   {0x1F18, 0x1F1D},   {0x1F20, 0x1F45},
  {0x1F48, 0x1F4D},   {0x1F50, 0x1F57},   {0x1F59, 0x1F59},
  {0x1F5B, 0x1F5B},   {0x1F5D, 0x1F5D},   {0x1F5F, 0x1F7D},
  {0x1F80, 0x1FB4},   {0x1FB6, 0x1FBC},   {0x1FBE, 0x1FBE},
  {0x1FC2, 0x1FC4},   {0x1FC6, 0x1FCC},   {0x1FD0, 0x1FD3},
  {0x1FD6, 0x1FDB},   {0x1FE0, 0x1FEC},   {0x1FF2, 0x1FF4},
  {0x1FF6, 0x1FFC},   {0x2071, 0x2071},   {0x207F, 0x207F},
  {0x2090, 0x209C},   {0x2102, 0x2102},   {0x2107, 0x2107},
  {0x210A, 0x2113},   {0x2115, 0x2115},   {0x2119, 0x211D},
  {0x2124, 0x2124},   {0x2126, 0x2126},   {0x2128, 0x2128},
  {0x212A, 0x212D},   {0x212F, 0x2139},   {0x213C, 0x213F},
  {0x2145, 0x2149},   {0x214E, 0x214E},   {0x2183, 0x2184},
  {0x2C00, 0x2CE4},   {0x2CEB, 0x2CEE},   {0x2CF2, 0x2CF3},
  {0x2D00, 0x2D25},   {0x2D27, 0x2D27},   {0x2D2D, 0x2D2D},
  {0x2D30, 0x2D67},   {0x2D6F, 0x2D6F},   {0x2D80, 0x2D96},
  {0x2DA0, 0x2DA6},   {0x2DA8, 0x2DAE},   {0x2DB0, 0x2DB6},
  {0x2DB8, 0x2DBE},   {0x2DC0, 0x2DC6},   {0x2DC8, 0x2DCE},
  {0x2DD0, 0x2DD6},   {0x2DD8, 0x2DDE},   {0x2E2F, 0x2E2F},
  {0x3005, 0x3006},   {0x3031, 0x3035},   {0x303B, 0x303C},
  {0x3041, 0x3096},   {0x309D, 0x309F},   {0x30A1, 0x30FA},
  {0x30FC, 0x30FF},   {0x3105, 0x312F},   {0x3131, 0x318E},
  {0x31A0, 0x31BF},   {0x31F0, 0x31FF},   {0x3400, 0x4DBF},
  {0x4E00, 0xA48C},   {0xA4D0, 0xA4FD},   {0xA500, 0xA60C},
  {0xA610, 0xA61F},   {0xA62A, 0xA62B},   {0xA640, 0xA66E},
  {0xA67F, 0xA69D},   {0xA6A0, 0xA6E5},   {0xA717, 0xA71F},
  {0xA722, 0xA788},   {0xA78B, 0xA7CA},   {0xA7D0, 0xA7D1},
  {0xA7D3, 0xA7D3},   {0xA7D5, 0xA7D9},   {0xA7F2, 0xA801},
  {0xA803, 0xA805},   {0xA807, 0xA80A},   {0xA80C, 0xA822},
  {0xA840, 0xA873},   {0xA882, 0xA8B3},   {0xA8F2, 0xA8F7},
  {0xA8FB, 0xA8FB},   {0xA8FD, 0xA8FE},   {0xA90A, 0xA925},
  {0xA930, 0xA946},   {0xA960, 0xA97C},   {0xA984, 0xA9B2},
  {0xA9CF, 0xA9CF},   {0xA9E0, 0xA9E4},   {0xA9E6, 0xA9EF},
  {0xA9FA, 0xA9FE},   {0xAA00, 0xAA28},   {0xAA40, 0xAA42},
  {0xAA44, 0xAA4B},   {0xAA60, 0xAA76},   {0xAA7A, 0xAA7A},
  {0xAA7E, 0xAAAF},   {0xAAB1, 0xAAB1},   {0xAAB5, 0xAAB6},
  {0xAAB9, 0xAABD},   {0xAAC0, 0xAAC0},   {0xAAC2, 0xAAC2},
  {0xAADB, 0xAADD},   {0xAAE0, 0xAAEA},   {0xAAF2, 0xAAF4},
  {0xAB01, 0xAB06},   {0xAB09, 0xAB0E},   {0xAB11, 0xAB16},
  {0xAB20, 0xAB26},   {0xAB28, 0xAB2E},   {0xAB30, 0xAB5A},
  {0xAB5C, 0xAB69},   {0xAB70, 0xABE2},   {0xAC00, 0xD7A3},
  {0xD7B0, 0xD7C6},   {0xD7CB, 0xD7FB},   {0xF900, 0xFA6D},
  {0xFA70, 0xFAD9},   {0xFB00, 0xFB06},   {0xFB13, 0xFB17},
  {0xFB1D, 0xFB1D},   {0xFB1F, 0xFB28},   {0xFB2A, 0xFB36},
  {0xFB38, 0xFB3C},   {0xFB3E, 0xFB3E},   {0xFB40, 0xFB41},
  {0xFB43, 0xFB44},   {0xFB46, 0xFBB1},   {0xFBD3, 0xFD3D},
  {0xFD50, 0xFD8F},   {0xFD92, 0xFDC7},   {0xFDF0, 0xFDFB},
  {0xFE70, 0xFE74},   {0xFE76, 0xFEFC},   {0xFF21, 0xFF3A},
  {0xFF41, 0xFF5A},   {0xFF66, 0xFFBE},   {0xFFC2, 0xFFC7},
  {0xFFCA, 0xFFCF},   {0xFFD2, 0xFFD7},   {0xFFDA, 0xFFDC},
  {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
  {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D},
  {0x10080, 0x100FA}, {0x10280, 0x1029C}, {0x102A0, 0x102D0},
  {0x10300, 0x1031F}, {0x1032D, 0x10340}, {0x10342, 0x10349},
  {0x10350, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103C3},
  {0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3},
  {0x104D8, 0x104FB}, {0x10500, 0x10527}, {0x10530, 0x10563},
  {0x10570, 0x1057A}, {0x1057C, 0x1058A}, {0x1058C, 0x10592},
  {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
  {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736},
  {0x10740, 0x10755}, {0x10760, 0x10767}, {0x10780, 0x10785},
  {0x10787, 0x107B0}, {0x107B2, 0x107BA}, {0x10800, 0x10805},
  {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
  {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876},
  {0x10880, 0x1089E}, {0x108E0, 0x108F2}, {0x108F4, 0x108F5},
  {0x10900, 0x10915}, {0x10920, 0x10939}, {0x10980, 0x109B7},
  {0x109BE, 0x109BF}, {0x10A00, 0x10A00}, {0x10A10, 0x10A13},
  {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C},
  {0x10A80, 0x10A9C}, {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4},
  {0x10B00, 0x10B35}, {0x10B40, 0x10B55}, {0x10B60, 0x10B72},
  {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2},
  {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9},
  {0x10EB0, 0x10EB1}, {0x10F00, 0x10F1C}, {0x10F27, 0x10F27},
  {0x10F30, 0x10F45}, {0x10F70, 0x10F81}, {0x10FB0, 0x10FC4},
  {0x10FE0, 0x10FF6}, {0x11003, 0x11037}, {0x11071, 0x11072},
  {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8},
  {0x11103, 0x11126}, {0x11144, 0x11144}, {0x11147, 0x11147},
  {0x11150, 0x11172}, {0x11176, 0x11176}, {0x11183, 0x111B2},
  {0x111C1, 0x111C4}, {0x111DA, 0x111DA}, {0x111DC, 0x111DC},
  {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x1123F, 0x11240},
  {0x11280, 0x11286}, {0x11288, 0x11288}, {0x1128A, 0x1128D},
  {0x1128F, 0x1129D}, {0x1129F, 0x112A8}, {0x112B0, 0x112DE},
  {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
  {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339},
  {0x1133D, 0x1133D}, {0x11350, 0x11350}, {0x1135D, 0x11361},
  {0x11400, 0x11434}, {0x11447, 0x1144A}, {0x1145F, 0x11461},
  {0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7},
  {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F},
  {0x11644, 0x11644}, {0x11680, 0x116AA}, {0x116B8, 0x116B8},
  {0x11700, 0x1171A}, {0x11740, 0x11746}, {0x11800, 0x1182B},
  {0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909},
  {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F},
  {0x1193F, 0x1193F}, {0x11941, 0x11941}, {0x119A0, 0x119A7},
  {0x119AA, 0x119D0}, {0x119E1, 0x119E1}, {0x119E3, 0x119E3},
  {0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A},
  {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D},
  {0x11AB0, 0x11AF8}, {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E},
  {0x11C40, 0x11C40}, {0x11C72, 0x11C8F}, {0x11D00, 0x11D06},
  {0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46},
  {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89},
  {0x11D98, 0x11D98}, {0x11EE0, 0x11EF2}, {0x11F02, 0x11F02},
  {0x11F04, 0x11F10}, {0x11F12, 0x11F33}, {0x11FB0, 0x11FB0},
  {0x12000, 0x12399}, {0x12480, 0x12543}, {0x12F90, 0x12FF0},
  {0x13000, 0x1342F}, {0x13441, 0x13446}, {0x14400, 0x14646},
  {0x16800, 0x16A38}, {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE},
  {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F}, {0x16B40, 0x16B43},
  {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F},
  {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F},
  {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE3}, {0x17000, 0x187F7},
  {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
  {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122},
  {0x1B132, 0x1B132}, {0x1B150, 0x1B152}, {0x1B155, 0x1B155},
  {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A},
  {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99},
  {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F},
  {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC},
  {0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3},
  {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A}, {0x1D50D, 0x1D514},
  {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E},
  {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550},
  {0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA},
  {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714}, {0x1D716, 0x1D734},
  {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788},
  {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB},
  {0x1DF00, 0x1DF1E}, {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D},
  {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D}, {0x1E14E, 0x1E14E},
  {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E4D0, 0x1E4EB},
  {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE},
  {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943},
  {0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F},
  {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
  {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39},
  {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47},
  {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F},
  {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
  {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D},
  {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64},
  {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77},
  {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
  {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
  {0x1EEAB, 0x1EEBB}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739},
  {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0},
  {0x2F800, 0x2FA1D}, {0x30000, 0x3134A}, {0x31350, 0x323AF},
};

bool
is_letter(char32_t r)
{
  if (r < 0x80) {
    return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z');
  }
  const auto* it = std::upper_bound(
    std::begin(k_letters),
    std::end(k_letters),
    r,
    [](char32_t x, const RuneRange& range) { return x < range.lo; });
  return it != std::begin(k_letters) && r <= std::prev(it)->hi;
}

// ---------------------------------------------------------------------------
// Path checks.

// Module paths, import paths and file paths share one grammar with three
// character sets and a few extra rules.
enum class PathKind { module, import, file };

// The word for kind in "malformed module path …" and its kin.
std::string_view
path_kind_word(PathKind kind)
{
  switch (kind) {
  case PathKind::module:
    return "module";
  case PathKind::import:
    return "import";
  case PathKind::file:
    break;
  }
  return "file";
}

// The first element is a host name, and host names are case-insensitive:
// allowing upper case would give one module two spellings.
bool
first_path_ok(char32_t r)
{
  return r == '-' || r == '.' || (r >= '0' && r <= '9')
         || (r >= 'a' && r <= 'z');
}

// ASCII letters and digits plus "-._~": what "go get" has always accepted,
// and nothing that a URL or a shell would reinterpret ('%', '+', ' ').
// Unicode stays out until its case folding and normalization have an
// escaping story.
bool
mod_path_ok(char32_t r)
{
  return r == '-' || r == '.' || r == '_' || r == '~' || (r >= '0' && r <= '9')
         || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z');
}

// Import paths also allow '+', which some packages ("c++" wrappers) used in
// their names before modules and which is harmless on a command line.
bool
import_path_ok(char32_t r)
{
  return mod_path_ok(r) || r == '+';
}

// File names get all Unicode letters and the ASCII punctuation that no
// common shell or file system treats specially. Left out: " ' * < > ? ` |
// (shell metacharacters, several also illegal on Windows) and the
// separators / \ : (this is called per path element).
bool
file_name_ok(char32_t r)
{
  if (r < 0x80) {
    if ((r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z')
        || (r >= 'a' && r <= 'z')) {
      return true;
    }
    constexpr std::string_view k_allowed = "!#$%&()+,-.=@[]^_{}~ ";
    return k_allowed.find(static_cast<char>(r)) != std::string_view::npos;
  }
  return is_letter(r);
}

// Device names that Windows reserves in every directory, whatever the case
// and whatever the extension: a module holding "aux.go" could not be
// extracted there.
constexpr std::array<std::string_view, 22> k_bad_windows_names = {
  "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4",
  "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3",
  "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
};

// ASCII-only case folding is enough here (Go uses strings.EqualFold): the
// only non-ASCII runes that fold to ASCII letters are U+017F (s) and U+212A
// (k), and no reserved name contains an S or a K.
bool
equal_fold_ascii(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// One path element; the message is the inner part of the final error, for
// the caller to prefix with the path.
Status
check_elem(std::string_view elem, PathKind kind)
{
  if (elem.empty()) {
    return Error::invalid("empty path element");
  }
  if (elem.find_first_not_of('.') == std::string_view::npos) {
    return Error::invalid(
      format("invalid path element {}", strconv::quote(elem)));
  }
  if (elem[0] == '.' && kind == PathKind::module) {
    return Error::invalid("leading dot in path element");
  }
  if (elem.back() == '.') {
    return Error::invalid("trailing dot in path element");
  }
  for (std::string_view rest = elem; !rest.empty();) {
    // Malformed UTF-8 decodes to U+FFFD, which no class accepts.
    const strconv::Rune d = strconv::decode_rune(rest);
    bool ok = false;
    switch (kind) {
    case PathKind::module:
      ok = mod_path_ok(d.r);
      break;
    case PathKind::import:
      ok = import_path_ok(d.r);
      break;
    case PathKind::file:
      ok = file_name_ok(d.r);
      break;
    }
    if (!ok) {
      return Error::invalid(
        format("invalid char {}", strconv::quote_rune(d.r)));
    }
    rest.remove_prefix(d.size);
  }

  const std::string_view short_name = elem.substr(0, elem.find('.'));
  for (const std::string_view bad : k_bad_windows_names) {
    if (equal_fold_ascii(bad, short_name)) {
      return Error::invalid(
        format("{} disallowed as path element component on Windows",
               strconv::quote(short_name)));
    }
  }

  if (kind == PathKind::file) {
    // Short names only matter for import paths, which the go command turns
    // into directory names; a file called "x~1" is harmless.
    return {};
  }

  // "PROGRA~1" is how Windows spells the 8.3 short name of a longer name; an
  // import path element of that shape could alias another directory.
  const size_t tilde = short_name.rfind('~');
  if (tilde != std::string_view::npos && tilde + 1 < short_name.size()) {
    const std::string_view suffix = short_name.substr(tilde + 1);
    if (std::all_of(suffix.begin(), suffix.end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      return Error::invalid("trailing tilde and digits in path element");
    }
  }
  return {};
}

// The rules common to all three kinds; the inner message, unprefixed.
Status
check_path_kind(std::string_view path, PathKind kind)
{
  if (!strconv::is_valid_utf8(path)) {
    return Error::invalid("invalid UTF-8");
  }
  if (path.empty()) {
    return Error::invalid("empty string");
  }
  if (path[0] == '-' && kind != PathKind::file) {
    // A leading dash would read as a flag on a go or git command line.
    return Error::invalid("leading dash");
  }
  if (path.find("//") != std::string_view::npos) {
    return Error::invalid("double slash");
  }
  if (path.back() == '/') {
    return Error::invalid("trailing slash");
  }
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string_view elem = path.substr(
      start,
      slash == std::string_view::npos ? std::string_view::npos : slash - start);
    GPX_TRY(check_elem(elem, kind));
    if (slash == std::string_view::npos) {
      return {};
    }
    start = slash + 1;
  }
}

Error
malformed(PathKind kind, std::string_view path, const Error& inner)
{
  return inner.wrap(
    format("malformed {} path {}", path_kind_word(kind), strconv::quote(path)));
}

Error
malformed(PathKind kind, std::string_view path, std::string message)
{
  return malformed(kind, path, Error::invalid(std::move(message)));
}

// gopkg.in paths carry their major version as ".vN", for every N including
// 0 and 1, optionally followed by "-unstable".
SplitPath
split_gopkg_in(std::string_view path)
{
  SplitPath fail{std::string(path), {}, false};
  size_t i = path.size();
  if (path.ends_with("-unstable")) {
    i -= std::string_view("-unstable").size();
  }
  while (i > 0 && path[i - 1] >= '0' && path[i - 1] <= '9') {
    --i;
  }
  if (i <= 1 || path[i - 1] != 'v' || path[i - 2] != '.') {
    return fail;
  }
  const std::string_view prefix = path.substr(0, i - 2);
  const std::string_view path_major = path.substr(i - 2);
  if (path_major.size() <= 2 || (path_major[2] == '0' && path_major != ".v0")) {
    return fail;
  }
  return {std::string(prefix), std::string(path_major), true};
}

// The inner message of an InvalidVersionError from CheckPathMajor, or
// nothing when v agrees with path_major.
std::optional<std::string>
path_major_mismatch(std::string_view v, std::string_view path_major)
{
  if (path_major.starts_with(".v") && path_major.ends_with("-unstable")) {
    path_major.remove_suffix(std::string_view("-unstable").size());
  }
  if (v.starts_with("v0.0.0-") && path_major == ".v1") {
    // Early vgo wrote v0 pseudo-versions for gopkg.in .v1 packages, and
    // published go.mod files still require them.
    return std::nullopt;
  }
  const std::string m = semver::major(v);
  std::string want;
  if (path_major.empty()) {
    if (m == "v0" || m == "v1" || semver::build(v) == "+incompatible") {
      return std::nullopt;
    }
    want = "v0 or v1";
  } else if (path_major[0] == '/' || path_major[0] == '.') {
    if (m == path_major.substr(1)) {
      return std::nullopt;
    }
    want = path_major.substr(1);
  } else {
    want = path_major;
  }
  return format("should be {}, not {}", want, m);
}

// Only a plain ASCII string without '!' has an unambiguous escaped form;
// the path and version checks guarantee that before we get here.
Result<std::string>
escape_string(std::string_view s)
{
  bool have_upper = false;
  for (const char c : s) {
    if (c == '!' || static_cast<unsigned char>(c) >= 0x80) {
      return Error::internal("internal error: inconsistency in EscapePath");
    }
    have_upper = have_upper || (c >= 'A' && c <= 'Z');
  }
  if (!have_upper) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size() + 8);
  for (const char c : s) {
    if (c >= 'A' && c <= 'Z') {
      out += '!';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

// The inverse of escape_string. Each string has exactly one escaped form:
// an upper-case letter, a '!' not followed by a lower-case letter, or a
// trailing '!' would be a second spelling, so they are rejected.
std::optional<std::string>
unescape_string(std::string_view escaped)
{
  std::string out;
  out.reserve(escaped.size());
  bool bang = false;
  for (const char c : escaped) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return std::nullopt;
    }
    if (bang) {
      bang = false;
      if (c < 'a' || c > 'z') {
        return std::nullopt;
      }
      out += static_cast<char>(c - 'a' + 'A');
      continue;
    }
    if (c == '!') {
      bang = true;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      return std::nullopt;
    }
    out += c;
  }
  if (bang) {
    return std::nullopt;
  }
  return out;
}

} // namespace

// ---------------------------------------------------------------------------

Status
check_path(std::string_view path)
{
  if (auto st = check_path_kind(path, PathKind::module); !st) {
    return malformed(PathKind::module, path, st.error());
  }
  const std::string_view first = path.substr(0, path.find('/'));
  if (first.empty()) {
    return malformed(PathKind::module, path, "leading slash");
  }
  // A dot in the first element is what tells a module path ("example.com/m")
  // from a standard-library package ("fmt", "net/http").
  if (first.find('.') == std::string_view::npos) {
    return malformed(
      PathKind::module, path, "missing dot in first path element");
  }
  if (path[0] == '-') {
    return malformed(
      PathKind::module, path, "leading dash in first path element");
  }
  for (const char c : first) {
    if (!first_path_ok(static_cast<unsigned char>(c))) {
      return malformed(
        PathKind::module,
        path,
        format("invalid char {} in first path element",
               strconv::quote_rune(static_cast<unsigned char>(c))));
    }
  }
  if (!split_path_version(path).ok) {
    return malformed(PathKind::module, path, "invalid version");
  }
  return {};
}

Status
check_import_path(std::string_view path)
{
  if (auto st = check_path_kind(path, PathKind::import); !st) {
    return malformed(PathKind::import, path, st.error());
  }
  return {};
}

Status
check_file_path(std::string_view path)
{
  if (auto st = check_path_kind(path, PathKind::file); !st) {
    return malformed(PathKind::file, path, st.error());
  }
  return {};
}

Status
check(std::string_view path, std::string_view version)
{
  GPX_TRY(check_path(path));
  if (!semver::is_valid(version)) {
    return Error::invalid(
      format("{}@{}: invalid version: not a semantic version", path, version));
  }
  const SplitPath split = split_path_version(path);
  if (auto mismatch = path_major_mismatch(version, split.path_major)) {
    return Error::invalid(
      format("{}@{}: invalid version: {}", path, version, *mismatch));
  }
  return {};
}

SplitPath
split_path_version(std::string_view path)
{
  if (path.starts_with("gopkg.in/")) {
    return split_gopkg_in(path);
  }
  // Walk back over the trailing digits and dots, so that "v1.2" is seen as
  // a (malformed) major suffix rather than as part of the name.
  size_t i = path.size();
  bool dot = false;
  while (
    i > 0
    && ((path[i - 1] >= '0' && path[i - 1] <= '9') || path[i - 1] == '.')) {
    dot = dot || path[i - 1] == '.';
    --i;
  }
  if (i <= 1 || i == path.size() || path[i - 1] != 'v' || path[i - 2] != '/') {
    return {std::string(path), {}, true};
  }
  const std::string_view prefix = path.substr(0, i - 2);
  const std::string_view path_major = path.substr(i - 2);
  // v0 and v1 need no suffix, so "/v1" (and "/v0", "/v01") would be a second
  // path for the same module.
  if (dot || path_major.size() <= 2 || path_major[2] == '0'
      || path_major == "/v1") {
    return {std::string(path), {}, false};
  }
  return {std::string(prefix), std::string(path_major), true};
}

Status
check_path_major(std::string_view version, std::string_view path_major)
{
  if (auto mismatch = path_major_mismatch(version, path_major)) {
    return Error::invalid(
      format("version {} invalid: {}", strconv::quote(version), *mismatch));
  }
  return {};
}

bool
match_path_major(std::string_view version, std::string_view path_major)
{
  return !path_major_mismatch(version, path_major).has_value();
}

std::string
path_major_prefix(std::string_view path_major)
{
  if (path_major.empty()) {
    return {};
  }
  if (path_major[0] != '/' && path_major[0] != '.') {
    throw std::invalid_argument(
      "path major suffix " + std::string(path_major)
      + " passed to path_major_prefix lacks separator");
  }
  if (path_major.starts_with(".v") && path_major.ends_with("-unstable")) {
    path_major.remove_suffix(std::string_view("-unstable").size());
  }
  const std::string_view m = path_major.substr(1);
  if (m != semver::major(m)) {
    throw std::invalid_argument(
      "path major suffix " + std::string(path_major)
      + " passed to path_major_prefix is not a valid major version");
  }
  return std::string(m);
}

Result<std::string>
escape_path(std::string_view path)
{
  GPX_TRY(check_path(path));
  return escape_string(path);
}

Result<std::string>
escape_version(std::string_view version)
{
  // Versions need not be semver (a branch name may appear in a query), but
  // they become file names and may not contain '!', which the escaping
  // could not represent.
  if (!check_elem(version, PathKind::file)
      || version.find('!') != std::string_view::npos) {
    return Error::invalid(
      format("version {} invalid: disallowed version string",
             strconv::quote(version)));
  }
  return escape_string(version);
}

Result<std::string>
unescape_path(std::string_view escaped)
{
  std::optional<std::string> path = unescape_string(escaped);
  if (!path) {
    return Error::invalid(
      format("invalid escaped module path {}", strconv::quote(escaped)));
  }
  if (auto st = check_path(*path); !st) {
    return st.error().wrap(
      format("invalid escaped module path {}", strconv::quote(escaped)));
  }
  return std::move(*path);
}

Result<std::string>
unescape_version(std::string_view escaped)
{
  std::optional<std::string> version = unescape_string(escaped);
  if (!version) {
    return Error::invalid(
      format("invalid escaped version {}", strconv::quote(escaped)));
  }
  if (auto st = check_elem(*version, PathKind::file); !st) {
    return st.error().wrap(
      format("invalid escaped version {}", strconv::quote(*version)));
  }
  return std::move(*version);
}

bool
match_prefix_patterns(std::string_view globs, std::string_view target)
{
  while (!globs.empty()) {
    const size_t comma = globs.find(',');
    std::string_view glob = globs.substr(0, comma);
    globs = comma == std::string_view::npos ? std::string_view{}
                                            : globs.substr(comma + 1);
    if (glob.ends_with('/')) {
      glob.remove_suffix(1);
    }
    if (glob.empty()) {
      continue;
    }
    // A glob of N+1 elements is matched against the first N+1 elements of
    // target, so "*.corp.example" also covers "git.corp.example/team/repo".
    auto slashes = std::count(glob.begin(), glob.end(), '/');
    std::string_view prefix = target;
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] != '/') {
        continue;
      }
      if (slashes == 0) {
        prefix = target.substr(0, i);
        break;
      }
      --slashes;
    }
    if (slashes > 0) {
      continue; // target has fewer elements than the glob
    }
    // A malformed glob matches nothing, as in the go command.
    if (auto m = path::match(glob, prefix); m && *m) {
      return true;
    }
  }
  return false;
}

std::string
canonical_version(std::string_view v)
{
  std::string cv = semver::canonical(v);
  if (semver::build(v) == "+incompatible") {
    cv += "+incompatible";
  }
  return cv;
}

void
sort(std::vector<Version>& list)
{
  // go.sum lists "v1.2.3" and "v1.2.3/go.mod" side by side: the part before
  // a '/' is compared as a version, the rest as plain text. Go stops there;
  // we break the remaining ties on the version text so that std::sort gets
  // the strict weak order it needs even for non-canonical input ("v1.0"
  // against "v1.0.0/go.mod"). Canonical versions sort exactly as in Go.
  auto less_version = [](std::string_view vi, std::string_view vj) {
    const std::string_view fi = vi.substr(std::min(vi.find('/'), vi.size()));
    const std::string_view fj = vj.substr(std::min(vj.find('/'), vj.size()));
    vi.remove_suffix(fi.size());
    vj.remove_suffix(fj.size());
    if (vi != vj) {
      if (const int c = semver::compare(vi, vj); c != 0) {
        return c < 0;
      }
    }
    if (fi != fj) {
      return fi < fj;
    }
    return vi < vj;
  };
  std::sort(list.begin(), list.end(), [&](const Version& a, const Version& b) {
    if (a.path != b.path) {
      return a.path < b.path;
    }
    return less_version(a.version, b.version);
  });
}

} // namespace gpx::gomod
