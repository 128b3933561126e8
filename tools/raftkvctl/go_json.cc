#include "tools/raftkvctl/go_json.h"

#include <cstddef>

namespace raftkv::ctl {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at text[at], or 0 where Go's utf8.DecodeRune
// reports an error (bad lead byte, bad continuation, overlong form, surrogate, > U+10FFFF).
size_t ValidUtf8Length(const std::string& text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

void AppendAsciiEscaped(unsigned char c, std::string& out) {
  switch (c) {
    case '\\':
    case '"':
      out += '\\';
      out += static_cast<char>(c);
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

// Go escapes these for HTML safety by default; everything else printable passes through.
bool NeedsAsciiEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&';
}

void AppendString(const std::string& text, std::string& out) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (NeedsAsciiEscape(c)) {
        AppendAsciiEscaped(c, out);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const size_t length = ValidUtf8Length(text, i);
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals: Go escapes them.
    if (length == 3 && c == 0xE2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
      out += "\\u202";
      out += kHex[static_cast<unsigned char>(text[i + 2]) & 0xF];
    } else {
      out.append(text, i, length);
    }
    i += length;
  }
  out += '"';
}

void Append(const GoJson& value, std::string& out) {
  switch (value.type()) {
    case GoJson::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [name, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        AppendString(name, out);
        out += ':';
        Append(member, out);
      }
      out += '}';
      return;
    }
    case GoJson::value_t::array: {
      out += '[';
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ',';
        Append(value[i], out);
      }
      out += ']';
      return;
    }
    case GoJson::value_t::string:
      AppendString(value.get_ref<const std::string&>(), out);
      return;
    case GoJson::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      return;
    case GoJson::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      return;
    default:  // null, booleans; no etcd response carries a floating-point field
      out += value.dump();
  }
}

// Writes the fraction digits of value / 10^precision (trailing zeros dropped, no dot when the
// fraction is zero) and returns the integer part: Go's fmtFrac.
uint64_t AppendFraction(uint64_t value, int precision, std::string& suffix) {
  std::string digits;
  bool printing = false;
  for (int i = 0; i < precision; ++i) {
    const uint64_t digit = value % 10;
    printing = printing || digit != 0;
    if (printing) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    value /= 10;
  }
  if (printing) suffix.insert(0, "." + digits);
  return value;
}

}  // namespace

std::string GoJsonMarshal(const GoJson& value) {
  std::string out;
  Append(value, out);
  return out;
}

std::string GoDurationString(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  const bool negative = nanoseconds < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(nanoseconds) : nanoseconds;
  std::string text;
  constexpr uint64_t kMicro = 1000, kMilli = 1000 * kMicro, kSecond = 1000 * kMilli;
  if (magnitude < kSecond) {
    int precision = 6;
    std::string unit = "ms";
    if (magnitude < kMicro) {
      precision = 0;
      unit = "ns";
    } else if (magnitude < kMilli) {
      precision = 3;
      unit = "\xC2\xB5s";  // µs, U+00B5 as Go writes it
    }
    text = unit;
    magnitude = AppendFraction(magnitude, precision, text);
    text.insert(0, std::to_string(magnitude));
  } else {
    text = "s";
    uint64_t seconds = AppendFraction(magnitude, 9, text);
    text.insert(0, std::to_string(seconds % 60));
    const uint64_t minutes = seconds / 60;
    if (minutes > 0) {
      text.insert(0, std::to_string(minutes % 60) + "m");
      const uint64_t hours = minutes / 60;
      if (hours > 0) text.insert(0, std::to_string(hours) + "h");
    }
  }
  return negative ? "-" + text : text;
}

}  // namespace raftkv::ctl
