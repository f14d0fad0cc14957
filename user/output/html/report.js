/* meshprof's HTML report: renders the run's JSON inlined in the page
 * (user/output/html.c). It draws and formats; every number comes from
 * meshprof. No network, no libraries. */
'use strict';
(function () {
	const D = JSON.parse(document.getElementById('meshprof-data').textContent);
	const run = D.run;
	const view = D.view || { components: [] };
	const app = document.getElementById('app');
	const SVG = 'http://www.w3.org/2000/svg';
	const CATS = ['tls', 'http', 'l7', 'l4', 'kernel-net', 'syscall', 'sched', 'alloc', 'other', 'unknown'];
	const COLOR = {
		tls: '#e07b10', http: '#2f6fdf', l7: '#8b5cf6', l4: '#0ea5b7',
		'kernel-net': '#22a356', syscall: '#84b819', sched: '#9aa3af',
		alloc: '#f2b705', other: '#c9d2de', unknown: '#e6e9ee',
	};
	const MESH_ROLES = ['sidecar', 'node-proxy', 'node-agent'];
	const viewOf = {};
	view.components.forEach(function (v) { viewOf[v.id] = v; });

	/* ---- building blocks ---- */

	function el(tag, attrs, kids) {
		const e = document.createElement(tag);
		Object.keys(attrs || {}).forEach(function (k) {
			if (k === 'text') e.textContent = attrs[k];
			else if (k === 'onclick' || k === 'oninput') e[k] = attrs[k];
			else e.setAttribute(k, attrs[k]);
		});
		(kids || []).forEach(function (k) { if (k) e.appendChild(k); });
		return e;
	}

	function sv(tag, attrs, text) {
		const e = document.createElementNS(SVG, tag);
		Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
		if (text !== undefined) e.textContent = text;
		return e;
	}

	function tip(node, text) {
		node.appendChild(sv('title', {}, text));
		return node;
	}

	function catColor(c) {
		return COLOR[c] || COLOR[String(c).split('/')[0]] || '#d5dbe3';
	}

	function sec(s) {
		if (s === null || s === undefined || !isFinite(s)) return '-';
		if (s < 1e-6) return (s * 1e9).toFixed(0) + ' ns';
		if (s < 1e-3) return (s * 1e6).toPrecision(3) + ' µs';
		if (s < 1) return (s * 1e3).toPrecision(3) + ' ms';
		return s.toPrecision(3) + ' s';
	}

	function bytes(b) {
		if (b === null || b === undefined || !isFinite(b)) return '-';
		const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
		let i = 0;
		while (Math.abs(b) >= 1024 && i < u.length - 1) { b /= 1024; i++; }
		return (i ? b.toFixed(1) : b.toFixed(0)) + ' ' + u[i];
	}

	function num(v, digits) {
		if (v === null || v === undefined || !isFinite(v)) return '-';
		if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
		return v.toPrecision(digits || 3);
	}

	function pct(v) {
		return (v === null || v === undefined || !isFinite(v)) ? '-' : (100 * v).toFixed(0) + '%';
	}

	function section(id, title, note, body) {
		return el('section', { id: id }, [
			el('h2', { text: title }),
			note ? el('p', { class: 'note', text: note }) : null,
		].concat(body));
	}

	function legend(cats) {
		return el('div', { class: 'legend' }, cats.map(function (c) {
			return el('span', {}, [el('i', { style: 'background:' + catColor(c) }), document.createTextNode(c)]);
		}));
	}

	/* Horizontal bars: rows of {label, value, text, color}. */
	function hbars(rows, opts) {
		const W = 900, lw = 190, rw = (opts && opts.rw) || 150, bh = 18, gap = 6;
		const max = (opts && opts.max) || Math.max.apply(null, rows.map(function (r) { return r.value || 0; }).concat([1e-12]));
		const s = sv('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (rows.length * (bh + gap) + 4), role: 'img' });
		rows.forEach(function (r, i) {
			const y = i * (bh + gap) + 2, w = Math.max(0, (W - lw - rw) * (r.value || 0) / max);
			s.appendChild(sv('text', { x: lw - 8, y: y + 13, 'text-anchor': 'end' }, r.label));
			s.appendChild(tip(sv('rect', { x: lw, y: y, width: w, height: bh, fill: r.color || (opts && opts.color) || '#2f6fdf' }), r.label + ': ' + r.text));
			s.appendChild(sv('text', { x: lw + w + 6, y: y + 13, class: 'dim' }, r.text));
		});
		return s;
	}

	/* ---- header ---- */

	function vcpu(c) {
		return run.window.seconds > 0 ? c.cpu.seconds / run.window.seconds : 0;
	}

	function header() {
		const mm = D.kind === 'diff' ? D.diff.meshmark : run.meshmark;
		const w = run.workload, path = run.paths && run.paths[0];
		document.title = 'meshprof: ' + run.node.hostname + (D.kind === 'diff' ? ' (diff)' : '');
		const cards = [
			['MeshMark', mm && isFinite(mm.score) ? mm.score.toFixed(1) + ' / 100' : 'not computed'],
			['requests', w.requests ? w.requests.toLocaleString('en') + ' (' + w.requests_source + ')' : 'unknown'],
			['vCPU / 1000 rps (sidecars)', mm && mm.vcpu_per_1000rps ? num(mm.vcpu_per_1000rps.sidecar) : '-'],
			['MiB per proxy', mm ? num(mm.mib_per_proxy) : '-'],
			['client p50 / p99', path ? sec(path.client_p50_seconds) + ' / ' + sec(path.client_p99_seconds) : '-'],
		];
		const facts = run.window.seconds.toFixed(1) + ' s window on ' + run.node.hostname +
			' (kernel ' + run.node.kernel + ', ' + run.node.cpus + ' CPUs); probes sched=' +
			run.probes.sched + ' sock=' + run.probes.sock + '; ' + run.processes.length +
			' processes in ' + run.components.length + ' components; CPU profile ' +
			(run.profile.frequency_hz ? run.profile.frequency_hz + ' Hz' : 'off');
		const title = D.kind === 'diff' ? 'meshprof diff: ' + D.diff.mesh + ' against ' + D.diff.baseline :
			'meshprof: ' + run.node.hostname;
		return el('header', { id: 'summary' }, [
			el('h1', { text: title }),
			el('div', { class: 'facts', text: facts }),
			el('div', { class: 'cards' }, cards.map(function (c) {
				return el('div', { class: 'card' }, [el('span', { text: c[0] }), el('b', { text: c[1] })]);
			})),
		]);
	}

	function nav(ids) {
		return el('nav', {}, ids.map(function (x) { return el('a', { href: '#' + x[0], text: x[1] }); }));
	}

	/* ---- the per-component table ---- */

	function componentsTable() {
		const cols = [
			['component', 'text', function (c) { return c.name; }],
			['role', 'text', function (c) { return c.role; }],
			['mesh', 'text', function (c) { return c.mesh; }],
			['pod', 'text', function (c) { return (viewOf[c.id] || {}).label || '-'; }],
			['pids', '', function (c) { return c.pids.length; }],
			['vCPU', '', vcpu, function (v) { return v.toFixed(3); }],
			['CPU s', '', function (c) { return c.cpu.seconds; }, function (v) { return v.toFixed(3); }],
			['voluntary cs', '', function (c) { return c.sched.voluntary_switches; }, num],
			['involuntary cs', '', function (c) { return c.sched.involuntary_switches; }, num],
			['run-queue', '', function (c) { return c.sched.runq_wait_seconds; }, sec],
			['run-queue p99', '', function (c) { return (viewOf[c.id] || {}).runq_p99_seconds; }, sec],
			['sent', '', function (c) { return c.net.bytes_sent; }, bytes],
			['received', '', function (c) { return c.net.bytes_received; }, bytes],
			['RSS', '', function (c) { return c.memory.rss_avg_bytes; }, function (v) { return v ? bytes(v) : '-'; }],
		];
		const tbody = el('tbody');
		let order = run.components.slice(), sortCol = -1, down = true;
		function fill() {
			tbody.textContent = '';
			order.forEach(function (c) {
				tbody.appendChild(el('tr', { class: MESH_ROLES.indexOf(c.role) >= 0 ? 'mesh' : '' }, cols.map(function (k) {
					const v = k[2](c);
					return el('td', { class: k[1], text: k[3] ? k[3](v) : String(v) });
				})));
			});
		}
		const head = el('tr', {}, cols.map(function (k, i) {
			return el('th', { class: k[1], text: k[0], onclick: function () {
				down = sortCol === i ? !down : k[1] !== 'text';
				sortCol = i;
				order.sort(function (a, b) {
					const x = k[2](a), y = k[2](b);
					const d = typeof x === 'string' ? x.localeCompare(y) : (x || 0) - (y || 0);
					return down ? -d : d;
				});
				fill();
			} });
		}));
		fill();
		return section('components', 'Components', 'One row per component (a pod\'s container or a host program); mesh components are marked. Click a column to sort.',
			[el('div', { class: 'scroll' }, [el('table', {}, [el('thead', {}, [head]), tbody])])]);
	}

	/* ---- CPU by category ---- */

	function cpuBars() {
		const comps = run.components.filter(function (c) { return c.cpu.samples > 0; }).slice(0, 24);
		if (!run.profile.frequency_hz || !comps.length)
			return section('cpu-categories', 'CPU by category', 'No CPU profile in this run (record with -F HZ).', []);
		const W = 1000, lw = 190, rw = 210, bh = 20, gap = 8;
		const max = Math.max.apply(null, comps.map(vcpu).concat([1e-9]));
		const s = sv('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (comps.length * (bh + gap) + 4), role: 'img' });
		comps.forEach(function (c, i) {
			const y = i * (bh + gap) + 2, v = viewOf[c.id] || {}, total = (W - lw - rw) * vcpu(c) / max;
			const cats = c.cpu.categories || {};
			let x = lw;
			s.appendChild(sv('text', { x: lw - 8, y: y + 14, 'text-anchor': 'end' }, c.name));
			if (v.few_samples) {
				s.appendChild(tip(sv('rect', { x: lw, y: y, width: total, height: bh, fill: '#e6e9ee' }),
					c.name + ': ' + c.cpu.samples + ' samples, too few to tell its split'));
				s.appendChild(sv('text', { x: lw + total + 6, y: y + 14, class: 'dim' },
					vcpu(c).toFixed(3) + ' vCPU; ' + c.cpu.samples + ' samples: too few to split'));
				return;
			}
			CATS.forEach(function (k) {
				const sh = cats[k] ? cats[k].share : 0, w = total * sh;
				if (!w) return;
				const m = v.share_margin ? v.share_margin[k] : null;
				s.appendChild(tip(sv('rect', { x: x, y: y, width: w, height: bh, fill: catColor(k), 'data-cat': k }),
					c.name + ' ' + k + ': ' + pct(sh) + (m !== null && m !== undefined ? ' ± ' + (100 * m).toFixed(0) + ' points' : '') +
					' (' + cats[k].samples + ' of ' + c.cpu.samples + ' samples), ' + sec(cats[k].seconds) + ' CPU'));
				x += w;
			});
			s.appendChild(sv('text', { x: x + 6, y: y + 14, class: 'dim' }, vcpu(c).toFixed(3) + ' vCPU; ' + c.cpu.samples + ' samples'));
		});
		return section('cpu-categories', 'CPU by category',
			'Bar length: vCPU. Segments: where the sampled stacks were (kernel-net holds loopback, netfilter and copies). Hover for each share with its 95% interval from the sample count; components under ' +
			view.min_samples + ' samples are not split.', [legend(CATS), s]);
	}

	/* ---- the request path ---- */

	function waterfall() {
		const p = run.paths && run.paths[0];
		if (!p)
			return section('waterfall', 'Request path', 'No request path in this run: no client and server were seen talking.', []);
		const byId = {};
		run.components.forEach(function (c) { byId[c.id] = c; });
		const rows = [];
		let t = 0;
		p.hops.forEach(function (h) {
			rows.push({ label: h.name + ' · ' + h.measure.replace('_', ' '), start: t, p50: h.p50_seconds, p99: h.p99_seconds, color: MESH_ROLES.indexOf(h.role) >= 0 ? '#e07b10' : '#2f6fdf' });
			t += h.p50_seconds;
		});
		rows.push({ label: 'network/kernel · transit+queue', start: t, p50: p.kernel_p50_seconds, color: '#22a356' });
		rows.push({ label: 'client observed (' + ((byId[p.client] || {}).name || 'client') + ')', start: 0, p50: p.client_p50_seconds, p99: p.client_p99_seconds, color: '#4b5563' });
		const W = 1000, lw = 260, rw = 140, bh = 18, gap = 8;
		const max = Math.max.apply(null, rows.map(function (r) { return Math.max(r.start + r.p50, r.p99 ? r.start + r.p99 : 0); }).concat([1e-9]));
		const sc = (W - lw - rw) / max;
		const s = sv('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (rows.length * (bh + gap) + 24), role: 'img' });
		rows.forEach(function (r, i) {
			const y = i * (bh + gap) + 2;
			s.appendChild(sv('text', { x: lw - 8, y: y + 13, 'text-anchor': 'end' }, r.label));
			s.appendChild(tip(sv('rect', { x: lw + r.start * sc, y: y, width: Math.max(1, r.p50 * sc), height: bh, fill: r.color }),
				r.label + ': p50 ' + sec(r.p50) + (r.p99 ? ', p99 ' + sec(r.p99) : '')));
			if (r.p99)
				s.appendChild(sv('line', { x1: lw + (r.start + r.p50) * sc, x2: lw + (r.start + r.p99) * sc, y1: y + bh / 2, y2: y + bh / 2, stroke: r.color, 'stroke-width': 2, 'stroke-dasharray': '3 2' }));
			s.appendChild(sv('text', { x: lw + (r.start + Math.max(r.p50, r.p99 || 0)) * sc + 6, y: y + 13, class: 'dim' },
				'p50 ' + sec(r.p50) + (r.p99 ? ' · p99 ' + sec(r.p99) : '')));
		});
		const y = rows.length * (bh + gap) + 16;
		for (let k = 0; k <= 4; k++)
			s.appendChild(sv('text', { x: lw + (W - lw - rw) * k / 4, y: y, 'text-anchor': 'middle', class: 'dim' }, sec(max * k / 4)));
		return section('waterfall', 'Request path',
			'Each hop\'s median (bar) and p99 (dashed), laid end to end. The sum of hop medians is ' +
			pct(p.sum_p50_seconds / p.client_p50_seconds) + ' of the client-observed median; the sum of means ' +
			pct(p.sum_mean_seconds / p.client_mean_seconds) + ' of its mean (means add up, medians do not).', [s]);
	}

	/* ---- histograms ---- */

	function histogram(title, bins, color, note) {
		const W = 300, H = 110, b = 18;
		const s = sv('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (H + b), role: 'img' });
		if (!bins.length) return null;
		const lo = Math.log2(bins[0][0]), hi = Math.log2(bins[bins.length - 1][0]) + 1;
		const n = Math.max(1, hi - lo), bw = W / n;
		const max = Math.max.apply(null, bins.map(function (x) { return x[1]; }));
		const total = bins.reduce(function (a, x) { return a + x[1]; }, 0);
		bins.forEach(function (x) {
			const i = Math.log2(x[0]) - lo, h = (H - 4) * x[1] / max;
			s.appendChild(tip(sv('rect', { x: i * bw + 1, y: H - h, width: Math.max(1, bw - 2), height: h, fill: color }),
				sec(x[0]) + ' to ' + sec(2 * x[0]) + ': ' + x[1].toLocaleString('en') + ' (' + pct(x[1] / total) + ')'));
		});
		[0, Math.floor(n / 2), n].forEach(function (i, k) {
			s.appendChild(sv('text', { x: i * bw, y: H + 14, class: 'dim', 'text-anchor': ['start', 'middle', 'end'][k] }, sec(Math.pow(2, lo + i))));
		});
		return el('div', { class: 'hist' }, [el('h3', { text: title }), note ? el('p', { class: 'note', text: note }) : null, s]);
	}

	function histograms() {
		const cards = [];
		run.components.forEach(function (c) {
			const v = viewOf[c.id];
			if (!v || (MESH_ROLES.indexOf(c.role) < 0 && c.role !== 'app')) return;
			cards.push(histogram(c.name + ': run-queue wait', v.runq_bins, '#9aa3af',
				c.sched.runq_waits.toLocaleString('en') + ' waits, p99 under ' + sec(v.runq_p99_seconds)));
			Object.keys(v.latency_bins).forEach(function (k) {
				const l = c.latency[k];
				cards.push(histogram(c.name + ': ' + k.replace('_', ' ') + ' latency', v.latency_bins[k], '#2f6fdf',
					l.count.toLocaleString('en') + ' · p50 ' + sec(l.p50_seconds) + ' · p99 ' + sec(l.p99_seconds)));
			});
		});
		const shown = cards.filter(Boolean);
		return section('histograms', 'Run-queue and latency histograms',
			shown.length ? 'Per mesh component and application, in powers of two (log scale). Hover a bar for its count.' :
				'No mesh components or applications in this run.', [el('div', { class: 'grid' }, shown)]);
	}

	/* ---- MeshMark ---- */

	function meshmark(mm, id, title) {
		if (!mm || !isFinite(mm.score))
			return section(id, title, 'MeshMark not computed' + (mm && mm.error ? ': ' + mm.error : '') + '.', []);
		const body = [el('div', {}, [el('span', { class: 'score', text: mm.score.toFixed(1) }),
			document.createTextNode('of 100 — ' + (mm.mode === 'single' ? 'single run: the mesh\'s share of what the workload used' :
				'compare: cost per unit of work, mesh run against baseline'))])];
		Object.keys(mm.classes).forEach(function (name) {
			const cl = mm.classes[name];
			const rows = [];
			if (!cl.included) {
				body.push(el('div', { class: 'mm-class' }, [el('h3', { text: name }), el('div', { class: 'left-out', text: 'left out: ' + cl.reason })]));
				return;
			}
			Object.keys(cl.mues).forEach(function (m) {
				const u = cl.mues[m];
				const w = u.weight ? ' (weight ' + (u.weight > 0 ? '+' : '') + u.weight + ')' : ' (weight 0)';
				const inputs = u.available ? (mm.mode === 'single' ? 'mesh ' + num(u.mesh) + ' of ' + num(u.total) :
					'base ' + num(u.base) + ', mesh ' + num(u.mesh) + ', overhead ' + num(u.overhead)) + ' ' + u.unit : 'left out: ' + u.reason;
				rows.push({ label: m + w, value: u.available ? u.value : 0, text: (u.available ? u.value.toFixed(3) + ' — ' : '') + inputs, color: '#8b5cf6' });
			});
			body.push(el('div', { class: 'mm-class' }, [el('h3', { text: name + ': ' + cl.score.toFixed(3) }), hbars(rows, { max: 1, rw: 420 })]));
		});
		if (mm.notes && mm.notes.length)
			body.push(el('ul', {}, mm.notes.map(function (n) { return el('li', { class: 'note', text: n }); })));
		return section(id, title, 'Classes and their MUEs (1 = no mesh overhead), each MUE with its weight; docs/meshmark.md defines them.', body);
	}

	/* ---- the diff's overhead by component ---- */

	function overhead() {
		const mm = D.diff.meshmark, per = mm.normalization;
		const comps = mm.components || [];
		if (!comps.length)
			return section('overhead', 'Overhead by component', 'No mesh components in the mesh run.', []);
		const res = [
			['CPU', 'cpu_cost', function (v) { return num(v) + ' CPU s'; }, '#e07b10'],
			['memory', 'rss_cost', bytes, '#8b5cf6'],
			['socket bytes', 'bytes_cost', bytes, '#22a356'],
		];
		return section('overhead', 'Overhead by component and resource',
			'What each mesh component of ' + D.diff.mesh + ' costs ' + (per === 'per_1000_requests' ?
				'per 1000 requests (memory: per 1000 requests per second)' : 'per second (no request count)') + '.',
			[el('div', {}, res.map(function (r) {
				return el('div', { class: 'hist' }, [el('h3', { text: r[0] }), hbars(comps.map(function (c) {
					return { label: c.name, value: c[r[1]], text: r[2](c[r[1]]), color: r[3] };
				}))]);
			}))]);
	}

	/* ---- the flame graph ---- */

	function flameTree() {
		const st = run.stacks;
		if (!st) return null;
		const names = {};
		run.components.forEach(function (c) { names[c.id] = c.name; });
		const root = { name: 'all', value: 0, kids: {}, depth: 0 };
		st.processes.forEach(function (ps) {
			const p = run.processes[ps.process] || {};
			const comp = names[p.component] || p.comm || ('pid ' + p.pid);
			ps.folded.forEach(function (line) {
				const parts = line.split(' ');
				const n = Number(parts[0]), cat = parts[1];
				const path = [comp, cat].concat(parts[2] ? parts[2].split(';').map(function (i) { return st.frames[Number(i)]; }) : []);
				let node = root;
				root.value += n;
				path.forEach(function (name, d) {
					let k = node.kids[name];
					if (!k) k = node.kids[name] = { name: name, value: 0, kids: {}, depth: d + 1, parent: node, comp: comp, cat: d ? cat : '' };
					k.value += n;
					node = k;
				});
			});
		});
		let maxDepth = 0;
		(function place(node, x0) {
			node.x0 = x0;
			maxDepth = Math.max(maxDepth, node.depth);
			node.children = Object.keys(node.kids).map(function (k) { return node.kids[k]; })
				.sort(function (a, b) { return b.value - a.value; });
			node.children.forEach(function (k) { place(k, x0); x0 += k.value; });
		})(root, 0);
		root.maxDepth = maxDepth;
		return root;
	}

	function flame() {
		const root = flameTree();
		if (!root || !root.value)
			return section('flamegraph', 'Flame graph', 'No CPU profile stacks in this run (record with -F HZ; the JSON keeps its stacks).', []);
		const RH = 17, W = 1200;
		const box = el('div', { id: 'flame' });
		const info = el('div', { class: 'tip', text: 'Click a frame to zoom, click "all" to zoom out.' });
		const search = el('input', { type: 'search', placeholder: 'search frames (e.g. SSL_ or http)' });
		const found = el('span', { class: 'tip' });
		let zoom = root;
		function isAncestor(a, n) { for (; n; n = n.parent) if (n === a) return true; return false; }
		function draw() {
			const q = search.value.toLowerCase();
			const lo = zoom.x0, span = zoom.value, sc = W / span;
			const svg = sv('svg', { width: '100%', viewBox: '0 0 ' + W + ' ' + (root.maxDepth + 1) * RH, role: 'img' });
			let matched = 0;
			(function walk(n, under) {
				const inZoom = under || n === zoom;
				const x0 = Math.max(n.x0, lo), x1 = Math.min(n.x0 + n.value, lo + span);
				if (x1 <= x0 || (!inZoom && !isAncestor(n, zoom))) return;
				const w = (x1 - x0) * sc;
				if (w < 0.4) return;
				const hit = q && n.depth && n.name.toLowerCase().indexOf(q) >= 0;
				if (hit && inZoom && !(n.parent && n.parent.hit)) matched += n.value;
				n.hit = hit || (n.parent && n.parent.hit && inZoom);
				const g = sv('g', {});
				const r = sv('rect', { x: (x0 - lo) * sc, y: n.depth * RH, width: w, height: RH - 1,
					fill: n.depth === 0 ? '#cfd6df' : n.depth === 1 ? '#b8c2cf' : catColor(n.cat),
					'data-name': n.name, 'data-depth': n.depth, 'data-comp': n.depth ? n.comp : '', 'data-cat': n.cat || '' });
				if (hit) r.setAttribute('class', 'match');
				r.onclick = function () { zoom = n.depth ? n : root; draw(); };
				r.onmouseover = function () {
					info.textContent = n.name + ' — ' + n.value.toLocaleString('en') + ' samples, ' + pct(n.value / root.value) +
						' of all' + (n.depth > 1 ? ', ' + pct(n.value / componentOf(n).value) + ' of ' + n.comp : '') + (n.cat ? ' [' + n.cat + ']' : '');
				};
				g.appendChild(tip(r, n.name + ' (' + n.value + ' samples)'));
				if (w > 30) {
					const chars = Math.floor((w - 6) / 6.2);
					g.appendChild(sv('text', { x: (x0 - lo) * sc + 3, y: n.depth * RH + 12 },
						n.name.length > chars ? n.name.slice(0, Math.max(0, chars - 1)) + '…' : n.name));
				}
				svg.appendChild(g);
				n.children.forEach(function (k) { walk(k, inZoom); });
			})(root, false);
			box.textContent = '';
			box.appendChild(svg);
			found.textContent = q ? 'matched: ' + pct(matched / zoom.value) + ' of the samples shown' : '';
		}
		function componentOf(n) { while (n.depth > 1) n = n.parent; return n; }
		search.oninput = draw;
		draw();
		return section('flamegraph', 'Flame graph',
			'The CPU profile: all samples, then component, then category, then frames from the root (top) to the leaf. Width: samples. Colours: category.',
			[el('div', { class: 'flame-tools' }, [search, el('button', { text: 'reset zoom', onclick: function () { zoom = root; draw(); } }), found]),
				legend(CATS), box, info]);
	}

	/* ---- the page ---- */

	const parts = [header()];
	const navs = [['components', 'components'], ['cpu-categories', 'CPU by category'], ['waterfall', 'request path'],
		['histograms', 'histograms'], ['meshmark', 'MeshMark'], ['flamegraph', 'flame graph']];
	if (D.kind === 'diff') {
		navs.unshift(['overhead', 'overhead']);
		navs.unshift(['meshmark-compare', 'MeshMark (compare)']);
	}
	parts.push(nav(navs));
	if (D.kind === 'diff') {
		parts.push(meshmark(D.diff.meshmark, 'meshmark-compare', 'MeshMark: mesh against baseline'));
		parts.push(overhead());
	}
	parts.push(componentsTable(), cpuBars(), waterfall(), histograms(),
		meshmark(run.meshmark, 'meshmark', D.kind === 'diff' ? 'MeshMark of the mesh run alone' : 'MeshMark'), flame());
	parts.push(el('footer', { text: 'Made by ' + (view.generator || 'meshprof') + ' from a run of ' + new Date(run.window.start * 1000).toISOString() + '.' }));
	app.textContent = '';
	parts.forEach(function (p) { app.appendChild(p); });
})();
