// SPDX-License-Identifier: GPL-2.0
// Opens one of meshprof's HTML pages in Debian's Chromium (headless) and
// prints one "ok NAME" / "not ok NAME" line per check (tests/lib.sh):
//
//   node check.js PAGE.html SCREENSHOT.png [--diff] [--flame COMP]...
//                 [--empty SECTION]...
//
// The page must load with no console error and no request beyond its own
// file, have every section with content (a section named by --empty, for
// which the run may have no data, with content or the note that says
// there is none), and not be blank. With --flame,
// the flame graph must hold, under component COMP, frames of the tls and
// http categories whose names are TLS and HTTP functions (the symbol
// families of the brief, independent of meshprof's category rules), and
// zoom and search must work.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const TLS_NAMES = /SSL|EVP_|aes|gcm|ghash|chacha|sha256|sha512|ecp_nistz|x25519|bn_mul|X509|tls|ossl|rustls|ring_core/i;
const HTTP_NAMES = /http|h1_|htx_|h2_|hpack|nghttp2|parse/i;

let failed = 0;
function check(name, cond, detail) {
	console.log((cond ? 'ok ' : 'not ok ') + name + (cond || !detail ? '' : ': ' + detail));
	if (!cond) failed = 1;
}

// Share of pixels unlike the most common colour: a blank page has none.
function inkShare(png) {
	let pos = 8, idat = [], w = 0, h = 0, ctype = 0;
	while (pos < png.length) {
		const len = png.readUInt32BE(pos), type = png.toString('ascii', pos + 4, pos + 8);
		const data = png.subarray(pos + 8, pos + 8 + len);
		if (type === 'IHDR') { w = data.readUInt32BE(0); h = data.readUInt32BE(4); ctype = data[9]; }
		if (type === 'IDAT') idat.push(data);
		pos += 12 + len;
	}
	const bpp = ctype === 6 ? 4 : 3, raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = w * bpp, out = Buffer.alloc(stride * h);
	for (let y = 0; y < h; y++) {
		const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let x = 0; x < stride; x++) {
			const a = x >= bpp ? out[y * stride + x - bpp] : 0, b = y ? out[(y - 1) * stride + x] : 0;
			const c = x >= bpp && y ? out[(y - 1) * stride + x - bpp] : 0;
			let v = row[x];
			if (f === 1) v += a;
			else if (f === 2) v += b;
			else if (f === 3) v += (a + b) >> 1;
			else if (f === 4) {
				const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			out[y * stride + x] = v & 255;
		}
	}
	const counts = new Map();
	for (let i = 0; i < out.length; i += bpp) {
		const k = out.readUIntBE(i, 3);
		counts.set(k, (counts.get(k) || 0) + 1);
	}
	const top = Math.max.apply(null, Array.from(counts.values()));
	return 1 - top / (w * h);
}

async function main() {
	const args = process.argv.slice(2);
	const page_path = path.resolve(args[0]), shot = args[1];
	const diff = args.includes('--diff');
	const flames = args.filter((a, i) => args[i - 1] === '--flame');
	const empty = args.filter((a, i) => args[i - 1] === '--empty');
	const url = 'file://' + page_path;
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	const errors = [], requests = [];
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForTimeout(300);

	const sections = ['summary', 'components', 'cpu-categories', 'waterfall', 'histograms', 'meshmark', 'flamegraph']
		.concat(diff ? ['meshmark-compare', 'overhead'] : []);
	for (const id of sections) {
		const [size, note] = await page.evaluate((id) => {
			const s = document.getElementById(id);
			return s ? [s.textContent.length + 100 * s.querySelectorAll('svg *, td').length,
				(s.querySelector('p.note') || {}).textContent || ''] : [-1, ''];
		}, id);
		if (empty.includes(id))
			check('html: section ' + id + ' present, with content or saying there is no data',
				size > 200 || (size > 0 && /^No /.test(note)), note);
		else
			check('html: section ' + id + ' present with content', size > 200, 'size ' + size + ': ' + note);
	}
	const rows = await page.$$eval('#components tbody tr', (r) => r.length);
	const comps = await page.evaluate(() => JSON.parse(document.getElementById('meshprof-data').textContent).run.components.length);
	check('html: table has one row per component', rows === comps && rows > 0, rows + ' rows, ' + comps + ' components');

	for (const comp of flames) {
		const frames = await page.$$eval('#flame rect', (rs, comp) => rs.filter((r) => r.dataset.comp === comp)
			.map((r) => [r.dataset.cat, r.dataset.name, Number(r.dataset.depth)]), comp);
		const tls = frames.filter((f) => f[0] === 'tls' && f[2] >= 3 && TLS_NAMES.test(f[1]));
		const http = frames.filter((f) => f[0] === 'http' && f[2] >= 3 && HTTP_NAMES.test(f[1]));
		check('html: flame graph of ' + comp + ' has TLS frames', tls.length > 0,
			frames.length + ' frames, tls ones: ' + frames.filter((f) => f[0] === 'tls').map((f) => f[1]).slice(0, 5));
		check('html: flame graph of ' + comp + ' has HTTP frames', http.length > 0,
			'http ones: ' + frames.filter((f) => f[0] === 'http').map((f) => f[1]).slice(0, 5));
		console.log('# ' + comp + ': e.g. ' + tls.slice(0, 2).map((f) => f[1]).join(', ') + ' | ' + http.slice(0, 2).map((f) => f[1]).join(', '));
	}
	if (flames.length) {
		// zoom into the first component: it then spans the whole width
		await page.click('#flame rect[data-depth="1"][data-comp="' + flames[0] + '"]');
		const w = await page.$eval('#flame rect[data-depth="1"][data-comp="' + flames[0] + '"]', (r) => Number(r.getAttribute('width')));
		check('html: flame graph zooms into a component', w > 1190, 'width ' + w);
		await page.fill('.flame-tools input', 'SSL');
		const hits = await page.$$eval('#flame rect.match', (r) => r.length);
		check('html: flame graph search marks frames', hits > 0, hits + ' marked');
		await page.click('.flame-tools button');
		await page.fill('.flame-tools input', '');
	}
	await page.evaluate(() => window.scrollTo(0, 0));
	const png = await page.screenshot({ path: shot, fullPage: true });
	if (flames.length)
		await page.locator('#flamegraph').screenshot({ path: shot.replace(/\.png$/, '') + '-flame.png' });
	const ink = inkShare(png);
	check('html: screenshot is not blank', ink > 0.02, 'ink ' + ink.toFixed(4));
	console.log('# screenshot ' + shot + ': ' + png.length + ' bytes, ' + (100 * ink).toFixed(1) + '% ink');
	check('html: no console errors', errors.length === 0, errors.slice(0, 3).join(' | '));
	check('html: no network requests', requests.length === 0, requests.slice(0, 3).join(' '));
	await browser.close();
	process.exit(failed);
}

main().catch((e) => { console.log('not ok html: checker failed: ' + e); process.exit(1); });
