// SPDX-License-Identifier: GPL-2.0
// A terminal screen as a picture: the text of `tmux capture-pane -e -p`
// (with its SGR escapes: bold, dim, reverse, standout) drawn in a <pre>
// by Debian's Chromium.   node termshot.js SCREEN.txt OUT.png
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');

function html(text) {
	const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
	let out = '', cls = new Set();
	for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
		const m = /^\x1b\[([0-9;]*)m$/.exec(part);
		if (!m) {
			out += cls.size ? '<span class="' + [...cls].join(' ') + '">' + esc(part) + '</span>' : esc(part);
			continue;
		}
		for (const c of (m[1] || '0').split(';')) {
			if (c === '0' || c === '') cls.clear();
			else if (c === '1') cls.add('b');
			else if (c === '2') cls.add('d');
			else if (c === '7') cls.add('r');
			else if (c === '22') { cls.delete('b'); cls.delete('d'); }
			else if (c === '27') cls.delete('r');
		}
	}
	return '<!DOCTYPE html><meta charset="utf-8"><style>body{margin:0;background:#1e1e1e}' +
		'pre{margin:0;padding:8px;color:#d4d4d4;font:14px/1.25 "DejaVu Sans Mono",monospace;display:inline-block}' +
		'.b{font-weight:bold;color:#fff}.d{color:#8a8a8a}.r{background:#d4d4d4;color:#1e1e1e}</style><pre>' + out + '</pre>';
}

(async () => {
	const [input, shot] = process.argv.slice(2);
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const page = await browser.newPage();
	await page.setContent(html(fs.readFileSync(input, 'utf8')));
	await page.locator('pre').screenshot({ path: shot });
	await browser.close();
})().catch((e) => { console.error('termshot: ' + e); process.exit(1); });
