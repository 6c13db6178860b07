#pragma once
// Boost 1.81's epoll reactor starts every async read with a "speculative"
// recv and only stops doing so after a read returned end-of-file. In
// request/response traffic the socket is always empty when the next read
// starts, so that recv fails with EAGAIN: two wasted system calls per round
// trip (strace: 4 recv + 2 send per pgbench transaction, against pgbouncer's
// 2 + 2). Later Boost versions skip it after a short read themselves.
//
// mark_drained() tells the reactor what a short read already proved: the
// socket had no more bytes. The next read then waits for epoll's readiness
// event (which re-enables speculation) instead of trying first. Boost gives
// no public way to say this, so the flag is reached through its internals,
// for exactly the version and backend whose code was read; anywhere else it
// does nothing and reads behave as before.

#include <boost/asio/ip/tcp.hpp>
#include <boost/version.hpp>

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#define PGSLEUTH_MARK_DRAINED 1
#include <boost/asio/detail/epoll_reactor.hpp>
#endif

namespace pgsleuth::proxy {

#ifdef PGSLEUTH_MARK_DRAINED
namespace drained_detail {

using Socket = boost::asio::ip::tcp::socket;
using Reactor = boost::asio::detail::epoll_reactor;
using Flags = bool (Reactor::descriptor_state::*)[Reactor::max_ops];

// The standard's own exception for explicit instantiations lets a member
// pointer to a private member be named there and handed out.
template <Flags Member>
struct Exporter {
  friend Flags try_speculative_member() { return Member; }
};
Flags try_speculative_member();
template struct Exporter<&Reactor::descriptor_state::try_speculative_>;

// basic_socket::impl_ is protected: a derived class may form its member
// pointer, which then applies to any socket.
struct ImplAccess : Socket {
  static constexpr auto impl = &ImplAccess::impl_;
};

}  // namespace drained_detail

inline void mark_drained(boost::asio::ip::tcp::socket& socket) {
  using namespace drained_detail;
  auto* state = (socket.*ImplAccess::impl).get_implementation().reactor_data_;
  if (state != nullptr) (state->*try_speculative_member())[Reactor::read_op] = false;
}
#else
inline void mark_drained(boost::asio::ip::tcp::socket&) {}
#endif

}  // namespace pgsleuth::proxy
