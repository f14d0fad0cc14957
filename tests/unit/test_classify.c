// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/classify.c: the categories file and the built-in
 * rules for each symbol family of docs/attribution.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "categories.h"

#define ERR_LEN 256
#define MAX_FRAMES 8

static struct classifier *builtin;

static int setup(void **state)
{
	char err[ERR_LEN];

	builtin = classifier_new();
	if (!builtin || classifier_add_builtin(builtin, err, sizeof(err))) {
		fprintf(stderr, "built-in rules: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	classifier_free(builtin);
	return 0;
}

static struct frame user_frame(const char *sym, const char *module)
{
	return (struct frame){ .sym = sym, .module = module };
}

static struct frame inl_frame(const char *sym, const char *module)
{
	return (struct frame){ .sym = sym, .module = module, .inlined = true };
}

static struct frame kern_frame(const char *sym)
{
	return (struct frame){ .sym = sym, .module = "kernel", .kernel = true };
}

/* The category of one user frame (in @module) under the built-in rules. */
static const char *user1(const char *sym, const char *module)
{
	struct frame f = user_frame(sym, module);

	return category_name(classify_stack(builtin, NULL, 0, &f, 1));
}

/* The category of a kernel stack of @n frames, leaf first. */
static const char *kern(int n, ...)
{
	struct frame f[MAX_FRAMES];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		f[i] = kern_frame(va_arg(ap, const char *));
	va_end(ap);
	return category_name(classify_stack(builtin, f, n, NULL, 0));
}

static void expect_user(const char *cat, const char *const *syms)
{
	for (; *syms; syms++) {
		if (strcmp(user1(*syms, "envoy"), cat))
			fail_msg("%s: got %s, want %s", *syms,
				 user1(*syms, "envoy"), cat);
	}
}

static void test_names(void **state)
{
	int i;

	for (i = 0; i < CAT_MAX; i++)
		assert_int_equal(category_parse(category_name(i)), i);
	assert_string_equal(category_name(CAT_KNET_COPY), "kernel-net/copy");
	assert_string_equal(category_name(CAT_MAX), "invalid");
	assert_int_equal(category_parse("TLS"), -1);
	assert_int_equal(category_parse(NULL), -1);
	assert_int_equal(category_parent(CAT_KNET_NETFILTER), CAT_KNET);
	assert_int_equal(category_parent(CAT_KNET_LOOPBACK), CAT_KNET);
	assert_int_equal(category_parent(CAT_KNET_COPY), CAT_KNET);
	assert_int_equal(category_parent(CAT_TLS), CAT_TLS);
}

static void test_tls_family(void **state)
{
	static const char *const syms[] = {
		"SSL_read", "SSL_write", "SSL_do_handshake", "bssl::tls13_open",
		"bssl::ssl_run_handshake", "tls_seal_record", "EVP_AEAD_CTX_seal",
		"aes_hw_ctr32_encrypt_blocks", "aesni_gcm_encrypt",
		"gcm_ghash_avx", "ChaCha20_ctr32", "sha256_block_data_order_avx",
		"ecp_nistz256_point_mul", "x25519_scalar_mult_adx",
		"bn_mul_mont", "X509_verify_cert",
		"Envoy::Extensions::TransportSockets::Tls::SslSocket::doRead",
		"rustls::conn::ConnectionCommon<T>::process_new_packets",
		"<rustls::conn::ConnectionCommon<T> as std::io::Read>::read",
		"tokio_rustls::common::Stream<IO,C>::read_io",
		"webpki::end_entity::EndEntityCert::verify_is_valid_tls_server_cert",
		"ring::aead::aes_gcm::aes_gcm_seal", "ring_core_0_17_8_gcm_ghash_clmul",
		"aws_lc_0_21_0_EVP_AEAD_CTX_seal", "aws_lc_rs::aead::less_safe_key",
		"linkerd_meshtls_rustls::client::Connect::call",
		"ssl_sock_to_buf", "ssl_sock_from_buf", "ngx_ssl_recv", "ngx_ssl_write",
		NULL,
	};

	expect_user("tls", syms);
}

static void test_tls_dso(void **state)
{
	/* Any frame in libssl/libcrypto, named or not. */
	assert_string_equal(user1(NULL, "libcrypto.so.3"), "tls");
	assert_string_equal(user1(NULL, "libssl.so.3"), "tls");
	assert_string_equal(user1("MD5_Init", "libcrypto.so.1.1"), "tls");
	assert_string_equal(user1(NULL, "libcrypt.so.1"), "unknown");
	assert_string_equal(user1(NULL, "haproxy"), "unknown");
}

static void test_http_family(void **state)
{
	static const char *const syms[] = {
		"http_parser_execute",
		"Envoy::Http::Http1::ConnectionImpl::dispatch",
		"Envoy::Http::Http1::ServerConnectionImpl::onHeadersCompleteBase",
		"Envoy::Http::Http2::ConnectionImpl::dispatch",
		"Envoy::Http::HeaderMapImpl::addCopy",
		"Envoy::Http::Http1::BalsaParser::execute",
		"quiche::BalsaFrame::ProcessInput",
		"nghttp2_session_mem_recv2", "nghttp2_hd_inflate_hd_nv",
		"http2::adapter::OgHttp2Session::ProcessBytes",
		"quiche::HpackDecoder::DecodeFragment",
		"hyper::proto::h1::role::parse_headers",
		"<hyper::proto::h1::role::Server as hyper::proto::h1::Http1Transaction>::parse",
		"httparse::parse_headers_iter", "h2::codec::framed_read::decode_frame",
		"<h2::proto::streams::streams::OpaqueStreamRef as core::ops::drop::Drop>::drop",
		"h1_parse_msg_hdrs", "h1_headers_to_hdr_list", "htx_add_blk",
		"h2_process_demux", "hpack_decode_frame", "http_parse_stline",
		"http_find_header", "ngx_http_parse_request_line",
		"ngx_http_parse_header_line", "ngx_http_v2_state_read_data",
		NULL,
	};

	expect_user("http", syms);
	assert_string_equal(user1(NULL, "libnghttp2.so.14"), "http");
	/* http-parser's unnamed static helpers, and its exported http_*
	 * functions that the haproxy l7 rules would otherwise take. */
	assert_string_equal(user1(NULL, "libhttp_parser.so.2.9.4"), "http");
	assert_string_equal(user1("http_message_needs_eof",
				  "libhttp_parser.so.2.9.4"), "http");
}

static void test_l7_family(void **state)
{
	static const char *const syms[] = {
		"Envoy::Http::ConnectionManagerImpl::ActiveStream::decodeHeaders",
		"Envoy::Http::FilterManager::decodeHeaders",
		"Envoy::Http::DownstreamFilterManager::sendLocalReply",
		"Envoy::Router::Filter::decodeHeaders",
		"Envoy::Router::RouteMatcher::route",
		"Envoy::Upstream::ClusterManagerImpl::getThreadLocalCluster",
		"Envoy::Upstream::ClusterManagerImpl::ThreadLocalClusterManagerImpl::ClusterEntry::httpConnPool",
		"Envoy::Upstream::LoadBalancerBase::chooseHost",
		"Envoy::Extensions::HttpFilters::RBACFilter::RoleBasedAccessControlFilter::decodeHeaders",
		"proxy_wasm::ContextBase::onRequestHeaders",
		"Envoy::Stats::ThreadLocalStoreImpl::counterFromStatNameWithTags",
		"Envoy::Tracing::HttpTracerUtility::finalizeDownstreamSpan",
		"linkerd_app_inbound::http::router::Router::call",
		"<linkerd_app_core::svc::Stack<S> as tower_service::Service<T>>::call",
		"tower::buffer::worker::Worker<T,Request>::poll_next_msg",
		"http_process_req_common", "http_wait_for_request",
		"process_stream", "stream_update_both_sc", "acl_exec_cond",
		"sample_process", "ngx_http_core_run_phases",
		"ngx_http_upstream_process_header", "ngx_http_proxy_handler",
		NULL,
	};

	expect_user("l7", syms);
}

static void test_config_family(void **state)
{
	static const char *const syms[] = {
		"Envoy::Config::GrpcMuxImpl::onDiscoveryResponse",
		"Envoy::Config::GrpcSubscriptionImpl::onConfigUpdate",
		"Envoy::Config::Utility::translateOpaqueConfig",
		"Envoy::Upstream::ClusterManagerImpl::addOrUpdateCluster",
		"Envoy::Upstream::CdsApiImpl::onConfigUpdate",
		"Envoy::Router::RdsRouteConfigSubscription::onConfigUpdate",
		"Envoy::Server::LdsApiImpl::onConfigUpdate",
		"Envoy::Server::ListenerManagerImpl::addOrUpdateListener",
		"Envoy::Secret::SdsApi::onConfigUpdate",
		"linkerd_proxy_api_resolve::resolve::Resolve<S>::call",
		"<linkerd2_proxy_api::destination::Update as prost::message::Message>::merge_field",
		"linkerd_app_outbound::discover::spawn_synthesized_profile_policy",
		"linkerd_app_inbound::policy::api::Api<S>::call",
		"istio.io/istio/pkg/istio-agent.(*XdsProxy).handleUpstreamResponse",
		"istio.io/istio/pkg/istio-agent/xds.(*Proxy).Send",
		"meshlab_config_parse", "meshlab_config_apply",
		NULL,
	};
	struct frame u[4];

	expect_user("config", syms);
	/* Protobuf parsing, and what it calls, goes with the xDS update
	 * it decodes. */
	u[0] = user_frame("malloc", "libc.so.6");
	u[1] = user_frame("google::protobuf::internal::TcParser::ParseLoop",
			  "envoy");
	u[2] = user_frame("Envoy::Config::GrpcMuxImpl::onDiscoveryResponse",
			  "envoy");
	u[3] = user_frame("Envoy::Grpc::AsyncStreamImpl::onData", "envoy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 4), CAT_CONFIG);
	u[0] = user_frame(NULL, "libc.so.6");
	u[1] = user_frame("meshlab_config_apply", "meshlab-agent");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_CONFIG);
}

static void test_l4_family(void **state)
{
	static const char *const syms[] = {
		"Envoy::Network::ConnectionImpl::onReadReady",
		"Envoy::Network::RawBufferSocket::doRead",
		"Envoy::Network::IoSocketHandleImpl::readv",
		"Envoy::Network::IoSocketHandleImpl::writev",
		"Envoy::TcpProxy::Filter::onData",
		"Envoy::Buffer::OwnedImpl::move",
		"ztunnel::copy::copy_bidirectional",
		"linkerd_duplex::HalfDuplex<T>::copy_into",
		"tokio::net::tcp::stream::TcpStream::poll_read_priv",
		"<tokio::net::tcp::stream::TcpStream as tokio::io::async_write::AsyncWrite>::poll_write",
		"raw_sock_to_buf", "raw_sock_from_buf", "conn_fd_handler",
		"sc_conn_recv", "si_cs_io_cb", "ngx_stream_proxy_process",
		"ngx_unix_recv", "ngx_writev_chain", "ngx_linux_sendfile_chain",
		"back_try_conn_req", "ngx_reusable_connection",
		NULL,
	};

	expect_user("l4", syms);
}

static void test_sched_alloc_syscall_family(void **state)
{
	static const char *const sched[] = {
		"Envoy::Event::DispatcherImpl::run", "event_base_loop",
		"event_process_active_single_queue",
		"tokio::runtime::scheduler::multi_thread::worker::Context::run",
		"mio::poll::Poll::poll", "_do_poll", "run_poll_loop",
		"process_runnable_tasks", "fd_update_events",
		"ngx_epoll_process_events", "ngx_process_events_and_timers",
		"epoll_wait", "pthread_cond_wait", "__tasklet_wakeup_on",
		"eb32_insert", "ngx_rbtree_insert_timer_value",
		NULL,
	};
	static const char *const alloc[] = {
		"malloc", "free", "_int_malloc", "_int_free", "realloc",
		"cfree", "operator new", "operator delete[]",
		"tcmalloc::tcmalloc_internal::CentralFreeList::RemoveRange",
		"__rust_alloc", "__rust_dealloc",
		"alloc::raw_vec::RawVec<T,A>::grow_one", "ngx_palloc",
		"__pool_alloc", "pool_put_to_cache",
		NULL,
	};
	static const char *const syscall[] = {
		"__send", "__write", "writev", "recv",
		"__GI___pthread_disable_asynccancel", "getsockopt",
		NULL,
	};

	expect_user("sched", sched);
	expect_user("alloc", alloc);
	expect_user("syscall", syscall);
}

static void test_kernel_buckets(void **state)
{
	assert_string_equal(kern(1, "_copy_to_iter"), "kernel-net/copy");
	assert_string_equal(kern(1, "_copy_from_iter"), "kernel-net/copy");
	assert_string_equal(kern(1, "copy_user_enhanced_fast_string"),
			    "kernel-net/copy");
	assert_string_equal(kern(3, "rep_movs_alternative", "_copy_to_iter",
				 "tcp_recvmsg_locked"), "kernel-net/copy");
	assert_string_equal(kern(1, "nf_hook_slow"), "kernel-net/netfilter");
	assert_string_equal(kern(1, "ipt_do_table"), "kernel-net/netfilter");
	assert_string_equal(kern(1, "nf_nat_ipv4_fn"), "kernel-net/netfilter");
	assert_string_equal(kern(1, "nf_conntrack_in"), "kernel-net/netfilter");
	assert_string_equal(kern(1, "nft_do_chain"), "kernel-net/netfilter");
	assert_string_equal(kern(1, "process_backlog"), "kernel-net/loopback");
	assert_string_equal(kern(1, "loopback_xmit"), "kernel-net/loopback");
	assert_string_equal(kern(1, "veth_xmit"), "kernel-net/loopback");
	assert_string_equal(kern(1, "__netif_receive_skb_core"),
			    "kernel-net/loopback");
	assert_string_equal(kern(1, "br_handle_frame"), "kernel-net/loopback");
	assert_string_equal(kern(1, "tcp_sendmsg"), "kernel-net");
	assert_string_equal(kern(1, "__tcp_transmit_skb"), "kernel-net");
	assert_string_equal(kern(1, "ip_output"), "kernel-net");
	assert_string_equal(kern(1, "tcp_ack.isra.0"), "kernel-net");
	assert_string_equal(kern(1, "schedule"), "sched");
	assert_string_equal(kern(1, "finish_task_switch.isra.0"), "sched");
	assert_string_equal(kern(1, "try_to_wake_up"), "sched");
	assert_string_equal(kern(1, "do_epoll_wait"), "sched");
	assert_string_equal(kern(1, "ep_poll"), "sched");
	assert_string_equal(kern(1, "entry_SYSCALL_64"), "syscall");
	assert_string_equal(kern(1, "do_syscall_64"), "syscall");
	/* Leaf up: a spin lock is nobody's; its caller decides. */
	assert_string_equal(kern(3, "_raw_spin_lock", "ipt_do_table",
				 "nf_hook_slow"), "kernel-net/netfilter");
	assert_string_equal(kern(4, "_raw_spin_unlock_irqrestore",
				 "try_to_wake_up", "sock_def_readable",
				 "tcp_data_queue"), "sched");
	/* Syscall entry sits at the root: only what nothing else claims. */
	assert_string_equal(kern(3, "_raw_spin_lock", "__x64_sys_sendto",
				 "do_syscall_64"), "kernel-net");
	assert_string_equal(kern(3, "getrusage", "__x64_sys_getrusage",
				 "do_syscall_64"), "syscall");
	assert_string_equal(kern(2, "__x64_sys_epoll_wait", "do_syscall_64"),
			    "sched");
	assert_string_equal(kern(1, "clear_page_erms"), "other");
}

static void test_leaf_up(void **state)
{
	struct frame u[3], k[2];

	/* Allocation belongs to the feature that allocates: malloc called
	 * by SSL_write is TLS; with no feature above it, allocation. */
	u[0] = user_frame("malloc", "libc.so.6");
	u[1] = user_frame("SSL_write", "libssl.so.3");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_TLS);
	u[1] = user_frame("my_app_main", "app");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_ALLOC);
	/* An unmatched leaf: the first matching caller decides. */
	u[0] = user_frame("some_helper", "envoy");
	u[1] = user_frame("Envoy::Router::Filter::decodeHeaders", "envoy");
	u[2] = user_frame("Envoy::Http::Http1::ConnectionImpl::dispatch",
			  "envoy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 3), CAT_L7);
	/* Kernel frames first... */
	k[0] = kern_frame("tcp_sendmsg");
	k[1] = kern_frame("do_syscall_64");
	u[0] = user_frame("SSL_write", "libssl.so.3");
	assert_int_equal(classify_stack(builtin, k, 2, u, 1), CAT_KNET);
	/* ...then user frames when no kernel frame matches (a page fault in
	 * TLS code is TLS's). */
	k[0] = kern_frame("clear_page_erms");
	k[1] = kern_frame("asm_exc_page_fault");
	assert_int_equal(classify_stack(builtin, k, 2, u, 1), CAT_TLS);
	/* An unknown frame with no rule for its file. */
	u[0] = user_frame(NULL, "haproxy");
	u[1] = user_frame("h1_parse_msg_hdrs", "haproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_HTTP);
}

/* Event loops sit above everything they dispatch: they take only what
 * nothing more specific claims, after the allocators and copies. */
static void test_dispatchers(void **state)
{
	struct frame u[3];

	u[0] = user_frame("ngx_http_parse_request_line", "nginx");
	u[1] = user_frame("ngx_epoll_process_events", "nginx");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_HTTP);
	u[0] = user_frame("malloc", "libc.so.6");
	u[1] = user_frame(NULL, "nginx");
	u[2] = user_frame("ngx_process_events_and_timers", "nginx");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 3), CAT_ALLOC);
	u[0] = user_frame(NULL, "haproxy");
	u[1] = user_frame("run_tasks_from_lists", "haproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_SCHED);
	/* The scheduler's primitives stay the leaf's. */
	u[0] = user_frame("task_wakeup", "haproxy");
	u[1] = user_frame("process_stream", "haproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_SCHED);
}

static void test_fallback(void **state)
{
	struct frame u[2];

	/* memcpy belongs to its caller... */
	u[0] = user_frame("__memmove_avx_unaligned_erms", "libc.so.6");
	u[1] = user_frame("SSL_write", "libssl.so.3");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_TLS);
	u[1] = user_frame("http_parser_execute", "envoy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_HTTP);
	/* ...and is proxy payload moving when nothing else is known. */
	u[1] = user_frame(NULL, "haproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_L4);
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 1), CAT_L4);
}

/* Rust frames as the lab's Rust proxy and twin have them (rustls 0.20
 * on ring 0.16, hyper 0.14, h2 0.3, tokio 1.24; fat LTO), leaf first,
 * with the calls LTO inlined read back from DWARF. */
static void test_rust(void **state)
{
	static const char *const tls[] = {
		"GFp_sha512_block_data_order", "GFp_aes_hw_ctr32_encrypt_blocks",
		"GFp_aesni_gcm_decrypt", "_aesni_ctr32_ghash_6x",
		"GFp_nistz256_point_mul", "__ecp_nistz256_mul_montx",
		"__ecp_nistz256_sub_fromx", "fiat_25519_carry_mul",
		"LIMBS_add_mod", "GFp_bn_mul_mont", "bn_mul4x_mont",
		"ring::aead::aes_gcm::aes_gcm_seal",
		"<T as ring::rand::SecureRandom>::fill",
		"<rustls::conn::ConnectionCommon<T> as rustls::conn::PlaintextSink>::write",
		"<rustls::tls13::Tls13MessageDecrypter as rustls::cipher::MessageDecrypter>::decrypt",
		"<u32 as rustls::msgs::codec::Codec>::read",
		"rustls::msgs::deframer::MessageDeframer::read",
		"<tokio_rustls::client::TlsStream<IO> as tokio::io::async_read::AsyncRead>::poll_read",
		NULL,
	};
	static const char *const http[] = {
		"hyper::proto::h1::role::parse_headers",
		"<hyper::proto::h1::role::Server as hyper::proto::h1::Http1Transaction>::parse",
		"httparse::Request::parse_with_config_and_uninit_headers",
		"httparse::simd::avx2::parse_uri_batch_32",
		"<httparse::ParserConfig>::parse_request",	/* v0 */
		"h2::codec::framed_read::decode_frame",
		"http::header::map::HeaderMap<T>::insert",
		NULL,
	};
	static const char *const l4[] = {
		"tokio::io::util::copy_bidirectional::transfer_one_direction",
		"meshlab_rustproxy::hbone::relay::{{closure}}",
		"meshlab_rustproxy::hbone::from_stream::{{closure}}",
		NULL,
	};
	struct frame u[4];

	expect_user("tls", tls);
	expect_user("http", http);
	expect_user("l4", l4);
	/* The Rust sidecar's own forwarding glue is its HTTP layer: the
	 * copy loop it also dispatches to is tokio's. */
	assert_string_equal(user1("meshlab_rustproxy::sidecar::forward::{{closure}}",
				  "meshlab-rustproxy"), "l7");
	/* httparse inlined into the twin's loop: the inlined calls decide. */
	u[0] = inl_frame("httparse::simd::runtime::match_uri_vectored", "rusttwin");
	u[1] = inl_frame("httparse::parse_uri", "rusttwin");
	u[2] = inl_frame("rusttwin::parse", "rusttwin");
	u[3] = user_frame("rusttwin::http_thread", "rusttwin");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 4), CAT_HTTP);
	assert_int_equal(classify_stack(builtin, NULL, 0, u + 2, 2), CAT_OTHER);
	/* bytes' small functions inlined into a parser are the parser's;
	 * with nothing else known they are payload moving. */
	u[0] = inl_frame("bytes::bytes_mut::BytesMut::split_to", "rustproxy");
	u[1] = user_frame("hyper::proto::h1::role::parse_headers", "rustproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_HTTP);
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 1), CAT_L4);
	/* The runtime under everything: a fallback. */
	u[0] = inl_frame("tokio::sync::mpsc::list::Tx<T>::push", "rustproxy");
	u[1] = user_frame("tokio::runtime::task::raw::poll", "rustproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_SCHED);
	u[1] = inl_frame("hyper::client::dispatch::Sender<T,U>::send", "rustproxy");
	u[2] = user_frame("tokio::runtime::task::raw::poll", "rustproxy");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 3), CAT_L7);
}

static void test_other_unknown(void **state)
{
	struct frame u[2] = {
		user_frame(NULL, "app"), user_frame(NULL, NULL),
	};

	assert_int_equal(classify_stack(builtin, NULL, 0, NULL, 0),
			 CAT_UNKNOWN);
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_UNKNOWN);
	u[1] = user_frame("main", "app");
	assert_int_equal(classify_stack(builtin, NULL, 0, u, 2), CAT_OTHER);
}

static void test_parse_and_order(void **state)
{
	struct classifier *c = classifier_new();
	struct frame u[1], k[1];
	char err[ERR_LEN];

	assert_int_equal(classifier_parse(c,
		"# my proxy\n"
		"\n"
		"http   user  myproxy_parse*   # the parser\n"
		"l7     user  myproxy_*\n"
		"tls    dso   libmytls.so*\n"
		"kernel-net/netfilter kernel my_hook\n"
		"l4     fallback my_copy\r\n",
		"my.conf", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(classifier_add_builtin(c, err, sizeof(err)), 0);
	/* Per frame, the first rule in order: the user's before the
	 * built-ins, specific before broad. */
	u[0] = user_frame("myproxy_parse_headers", "myproxy");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_HTTP);
	u[0] = user_frame("myproxy_route", "myproxy");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_L7);
	u[0] = user_frame("myproxy_route", "libmytls.so.2");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_L7);
	u[0] = user_frame("whatever", "libmytls.so.2");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_TLS);
	u[0] = user_frame("my_copy", "myproxy");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_L4);
	k[0] = kern_frame("my_hook");
	assert_int_equal(classify_stack(c, k, 1, NULL, 0),
			 CAT_KNET_NETFILTER);
	/* Rules appended after the built-ins come too late for what those
	 * match... */
	assert_int_equal(classifier_parse(c, "other user SSL_read\n",
					  "2.conf", err, sizeof(err)), 0);
	u[0] = user_frame("SSL_read", "envoy");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_TLS);
	classifier_free(c);

	/* ...before them, they override them for what they match. */
	c = classifier_new();
	assert_int_equal(classifier_parse(c, "other user SSL_read\n", "a.conf",
					  err, sizeof(err)), 0);
	assert_int_equal(classifier_add_builtin(c, err, sizeof(err)), 0);
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_OTHER);
	u[0] = user_frame("SSL_write", "envoy");
	assert_int_equal(classify_stack(c, NULL, 0, u, 1), CAT_TLS);
	classifier_free(c);
}

static void parse_err(const char *text, const char *want)
{
	struct classifier *c = classifier_new();
	struct frame u = user_frame("SSL_read", "x");
	char err[ERR_LEN];

	assert_int_equal(classifier_parse(c, "tls user SSL_read\n", "ok.conf",
					  err, sizeof(err)), 0);
	assert_int_equal(classifier_parse(c, text, "t.conf", err, sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	/* A failed file adds nothing; earlier rules stay. */
	assert_int_equal(classify_stack(c, NULL, 0, &u, 1), CAT_TLS);
	u.sym = "ok_fn";
	assert_int_equal(classify_stack(c, NULL, 0, &u, 1), CAT_OTHER);
	classifier_free(c);
}

static void test_parse_errors(void **state)
{
	char text[512];

	parse_err("l7 user ok_fn\ncrypto user SSL_*\n",
		  "t.conf:2: unknown category 'crypto'");
	parse_err("# c\n\nunknown user x\n",
		  "t.conf:3: unknown category 'unknown'");
	parse_err("tls\n",
		  "t.conf:1: missing match (kernel, user, dso or fallback) after 'tls'");
	parse_err("l7 user ok_fn\n\ntls symbol SSL_*\n",
		  "t.conf:3: unknown match 'symbol' (expected kernel, user, dso or fallback)");
	parse_err("tls user   # nothing\n",
		  "t.conf:1: no patterns after 'tls user'");
	snprintf(text, sizeof(text), "tls user %0300d\n", 0);
	parse_err(text, "t.conf:1: pattern longer than 255 characters");
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/meshprof-cat.XXXXXX", err[ERR_LEN];
	struct classifier *c = classifier_new();
	struct frame u = user_frame("burn_tls_like", "profburn");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tls user burn_tls_like\nl7 usr x\n", 32),
			 32);
	close(fd);
	assert_int_equal(classifier_load(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: unknown match 'usr'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(truncate(path, 23), 0);
	assert_int_equal(classifier_load(c, path, err, sizeof(err)), 0);
	assert_int_equal(classify_stack(c, NULL, 0, &u, 1), CAT_TLS);
	unlink(path);
	assert_int_equal(classifier_load(c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	classifier_free(c);
}

static void test_builtin_text(void **state)
{
	const char *text = classifier_builtin_text();

	/* The shipped file, whole: its last rule is the memcpy fallback. */
	assert_non_null(strstr(text, "CATEGORY  MATCH  PATTERN"));
	assert_non_null(strstr(text, "l4  fallback  memcpy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tls_family),
		cmocka_unit_test(test_tls_dso),
		cmocka_unit_test(test_http_family),
		cmocka_unit_test(test_l7_family),
		cmocka_unit_test(test_config_family),
		cmocka_unit_test(test_l4_family),
		cmocka_unit_test(test_sched_alloc_syscall_family),
		cmocka_unit_test(test_kernel_buckets),
		cmocka_unit_test(test_leaf_up),
		cmocka_unit_test(test_dispatchers),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_rust),
		cmocka_unit_test(test_other_unknown),
		cmocka_unit_test(test_parse_and_order),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_builtin_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
