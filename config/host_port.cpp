#include "config/host_port.hpp"

#include <cctype>
#include <charconv>

namespace pgsleuth::config {
namespace {

bool is_hostname_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
  // Hex digits, separators, an embedded IPv4 tail and a zone id after '%'.
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%';
}

uint16_t parse_port(std::string_view digits, bool allow_zero) {
  const std::string allowed = allow_zero ? "0 to 65535" : "1 to 65535";
  if (digits.empty()) throw std::invalid_argument("missing port (expected HOST:PORT)");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value > 65535 ||
      (value == 0 && !allow_zero)) {
    throw std::invalid_argument("port must be a number from " + allowed);
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

HostPort parse_host_port(std::string_view text, bool allow_port_zero) {
  HostPort result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      throw std::invalid_argument("IPv6 address has no closing ']' (expected [ADDR]:PORT)");
    }
    const std::string_view addr = text.substr(1, close - 1);
    if (addr.empty() || addr.find(':') == std::string_view::npos) {
      throw std::invalid_argument("not an IPv6 address inside [brackets]");
    }
    for (char c : addr) {
      if (!is_ipv6_char(c)) throw std::invalid_argument("not an IPv6 address inside [brackets]");
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      throw std::invalid_argument("missing ':PORT' after the IPv6 address");
    }
    result.host = std::string(addr);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      throw std::invalid_argument("expected HOST:PORT");
    }
    const std::string_view host = text.substr(0, colon);
    if (host.empty()) throw std::invalid_argument("missing host (expected HOST:PORT)");
    if (host.find(':') != std::string_view::npos) {
      throw std::invalid_argument("an IPv6 address must be written in [brackets]");
    }
    for (char c : host) {
      if (!is_hostname_char(c)) throw std::invalid_argument("host has a character not allowed in a host name");
    }
    result.host = std::string(host);
    port_text = text.substr(colon + 1);
  }
  result.port = parse_port(port_text, allow_port_zero);
  return result;
}

}  // namespace pgsleuth::config
