#pragma once
// Instantiates the templates of corpus.sql with varying literal values.

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace pgsleuth::fingerprint::testing {

inline std::vector<std::string> load_templates(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("--", 0) == 0) continue;
    std::string t;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == 'n') {
        t += '\n';
        ++i;
      } else {
        t += line[i];
      }
    }
    out.push_back(t);
  }
  return out;
}

class LiteralGenerator {
 public:
  explicit LiteralGenerator(uint32_t seed) : rng_(seed) {}

  std::string fill(const std::string& tmpl) {
    std::string out;
    for (size_t i = 0; i < tmpl.size(); ++i) {
      const size_t close = tmpl[i] == '{' ? tmpl.find('}', i) : std::string::npos;
      const std::string name = close == std::string::npos ? "" : tmpl.substr(i + 1, close - i - 1);
      const std::string value = close == std::string::npos ? "" : literal(name);
      if (value.empty()) {
        out += tmpl[i];
      } else {
        out += value;
        i = close;
      }
    }
    return out;
  }

 private:
  uint32_t pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  std::string integer() { return std::to_string(pick(100000)); }

  std::string literal(const std::string& name) {
    static const std::vector<std::string> strings = {
        "'alice@example.com'", "'O''Brien'", "''", "'x;y -- not a comment /* nor this */'",
        "'café ☕'", "'it''s ''quoted'''", "'1 day'", "'$1'", "'back\\slash'", "'multi\nline'"};
    static const std::vector<std::string> escapes = {"E'a\\nb'", "E'tab\\there'", "E'quote\\'s'",
                                                     "e'\\\\back'", "E'oct\\101hex\\x42'", "E'it''s'"};
    static const std::vector<std::string> dollars = {"$$plain$$", "$$it's$$", "$q$a $$ b$q$",
                                                     "$_x$;$_x$", "$$$$"};
    static const std::vector<std::string> unicode = {"U&'d\\0061t\\+000061'", "U&'plain'",
                                                     "u&'\\00e9t\\00e9'", "U&'back\\\\slash'"};
    static const std::vector<std::string> floats = {"1.5", ".5", "2.", "1e-5", "3.25E+2", "0.0", "99.999"};
    if (name == "i") return integer();
    if (name == "neg") return "-" + integer();
    if (name == "big") return std::to_string(3000000000ULL + pick(1000000));
    if (name == "f") return floats[pick(floats.size())];
    if (name == "exp") return std::to_string(pick(9) + 1) + "e" + (pick(2) ? "-" : "+") + std::to_string(pick(20));
    if (name == "s") return strings[pick(strings.size())];
    if (name == "e") return escapes[pick(escapes.size())];
    if (name == "d") return dollars[pick(dollars.size())];
    if (name == "u") return unicode[pick(unicode.size())];
    if (name == "b") return pick(2) ? "B'0101'" : "b'1'";
    if (name == "x") return pick(2) ? "X'1F'" : "x'00ff'";
    if (name == "date") return "'2020-0" + std::to_string(pick(9) + 1) + "-1" + std::to_string(pick(9)) + "'";
    if (name == "json") return pick(2) ? "'{\"a\": 1}'" : "'{\"b\": [1, \"x\"]}'";
    if (name == "arr") return pick(2) ? "'{1,2,3}'" : "ARRAY[" + integer() + "]";
    if (name == "in") {
      std::string list = integer();
      for (uint32_t n = pick(5); n > 0; --n) list += ", " + integer();
      return list;
    }
    if (name == "tp") {
      static const char* hex = "0123456789abcdef";
      std::string tp = "00-";
      for (int k = 0; k < 32; ++k) tp += hex[pick(16)];
      tp += "-";
      for (int k = 0; k < 16; ++k) tp += hex[pick(16)];
      return tp + "-01";
    }
    return "";
  }

  std::mt19937 rng_;
};

}  // namespace pgsleuth::fingerprint::testing
