/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report's style sheet, inlined into every HTML page (the Content-Security-Policy allows
 * inline styles only).  Screen: a centred column, WeChat-like chat view (received white on the
 * left, sent green on the right, system notices centred grey).  Print: A4, page numbers
 * "第 X 页 / 共 Y 页" in the bottom margin box (Chromium >= 131 renders @page margin boxes and
 * counter(pages)), the case number top right, messages and table rows never split.
 * Status is always written in words; colours only repeat it.  No CSS variables and no flex
 * layout for messages (WeasyPrint, which renders report.pdf, ignores variables and sets flex
 * items one character wide): a message is a block, its bubble an inline-block.  Text in every
 * chat bubble has at least 4.5:1 contrast with its background (WCAG 2 AA).
 */
#ifndef WXF_RPT_CSS_H
#define WXF_RPT_CSS_H

static const char rpt_css[] =
"*{box-sizing:border-box}\n"
"html{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",\"Source Han Sans SC\",\"PingFang SC\","
"\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",sans-serif;color:#1f2328;background:#fff;"
"font-size:15px;line-height:1.6;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
"body{margin:0}\n"
".wrap{max-width:1000px;margin:0 auto;padding:24px 28px 60px}\n"
"a{color:#0a58ca;text-decoration:none}a:hover{text-decoration:underline}\n"
"h1{font-size:27px;line-height:1.3;margin:.2em 0 .5em}\n"
"h2{font-size:21px;border-bottom:3px solid #07c160;padding-bottom:4px;margin:2.2em 0 .8em;"
"break-after:avoid}\n"
"h3{font-size:17px;margin:1.6em 0 .5em;break-after:avoid}\n"
"h4{font-size:15px;margin:1.2em 0 .4em;break-after:avoid}\n"
".en{color:#57606a;font-weight:normal;font-size:.82em}\n"
"p.note{color:#57606a;font-size:13px}\n"
".doc-kind{font-size:14px;letter-spacing:.2em;color:#57606a;margin:0}\n"
"table{border-collapse:collapse;width:100%;margin:.5em 0 1.2em;font-size:13.5px}\n"
"th,td{border:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top}\n"
"th{background:#f6f8fa;font-weight:600}\n"
"thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}\n"
"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
"td.nw{white-space:nowrap}\n"
"tr.total td{font-weight:700;background:#f0fdf4}\n"
"tr.uncounted td{color:#555}\n"
"code,.hash{font-family:\"Noto Sans Mono CJK SC\",\"DejaVu Sans Mono\",monospace;font-size:12px;"
"overflow-wrap:anywhere;word-break:break-all}\n"
".kv th{width:12em}\n"
".cards{display:flex;flex-wrap:wrap;gap:12px;margin:1em 0}\n"
".card{flex:1 1 200px;border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;"
"background:#f6f8fa;break-inside:avoid}\n"
".card .big{font-size:22px;font-weight:700}\n"
".card .lbl{font-size:13px;color:#57606a}\n"
".formula{border:2px solid #b45309;background:#fffbeb;border-radius:8px;padding:12px 16px;"
"margin:1em 0;break-inside:avoid}\n"
".formula .fig{font-size:22px;font-weight:700}\n"
"nav ol{padding-left:1.6em}nav li{margin:2px 0}\n"
".conv-head{background:#f6f8fa;border:1px solid #d0d7de;border-radius:8px 8px 0 0;"
"padding:8px 14px;margin-top:1.6em;break-after:avoid}\n"
".conv-head h3{margin:0}\n"
".chat{background:#ededed;border:1px solid #d0d7de;border-top:none;"
"border-radius:0 0 8px 8px;padding:10px 14px 16px;margin:0 0 24px}\n"
".day{text-align:center;margin:14px 0 4px;break-after:avoid}\n"
".day span{background:#d6d6d6;color:#333;font-size:12px;padding:2px 10px;border-radius:10px}\n"
".msg{display:block;max-width:80%;margin:12px 0;break-inside:avoid;page-break-inside:avoid}\n"
".msg.in{margin-right:auto}\n"
".msg.out{margin-left:auto;text-align:right}\n"
".msg.sys{margin-left:auto;margin-right:auto;max-width:88%;text-align:center}\n"
".meta{font-size:12.5px;color:#444;margin:0 4px 3px}\n"
".meta .who{font-weight:600;color:#222}.meta .wxid{color:#57606a;font-weight:normal}\n"
".meta .type{display:inline-block;border:1px solid #bbb;border-radius:3px;padding:0 4px;"
"font-size:11px;color:#555;margin-left:4px;background:#fafafa}\n"
".bubble{padding:8px 12px;border-radius:7px;background:#fff;white-space:pre-wrap;"
"overflow-wrap:anywhere;border:1px solid #dedede;font-size:15px;text-align:left;max-width:100%;"
"display:inline-block}\n"
".msg.out .bubble{background:#a9ea7a;border-color:#8fd35f}\n"
".msg.sys .bubble{background:#dadada;color:#333;font-size:13px;border-color:#cfcfcf}\n"
".msg.recovered .bubble{border:2px dashed #b45309}\n"
".flag{display:inline-block;font-size:12px;font-weight:700;padding:1px 8px;border-radius:4px;"
"margin:0 2px 4px}\n"
".flag.recovered{background:#fde68a;color:#7c2d12;border:1px solid #b45309}\n"
".flag.recalled{background:#e0e7ff;color:#312e81;border:1px solid #6366f1}\n"
".flag.dup{background:#eee;color:#333;border:1px solid #999}\n"
".orig{margin-top:6px;padding:6px 9px;background:#fff7ed;border-left:4px solid #b45309;"
"font-size:14px;text-align:left}\n"
".prov{font-size:11px;color:#5b636b;margin:3px 4px 0;overflow-wrap:anywhere;max-width:100%}\n"
".msg.out .prov{text-align:right}\n"
".wit{font-size:11px;color:#5b636b;margin:2px 4px 0;text-align:left}\n"
".wit ol{margin:2px 0 0;padding-left:1.4em}\n"
".pay{background:#b45309;color:#fff;border:none;min-width:240px}\n"
".msg.out .pay{background:#b45309;border:none}\n"
".pay .amt{font-size:20px;font-weight:700;display:block}\n"
".pay a{color:#fff;text-decoration:underline}\n"
".pay .st{font-size:13px;display:block;border-top:1px solid rgba(255,255,255,.5);"
"margin-top:4px;padding-top:3px}\n"
".media{display:block;font-size:12.5px;color:#333;background:#f6f6f6;border:1px solid #ccc;"
"border-radius:4px;padding:4px 7px;margin-top:5px}\n"
"mark{background:#fde047;padding:0 1px}\n"
".thumb{display:block;margin-top:5px;max-width:220px;max-height:220px;border:1px solid #999}\n"
".nothumb{display:block;font-size:12.5px;color:#444;border:1px dashed #999;padding:6px 8px;"
"margin-top:5px;background:#fafafa}\n"
".glance{border:2px solid #0a58ca;border-radius:8px;padding:10px 16px;margin:1em 0;"
"background:#f8fbff;break-inside:avoid}\n"
".glance table{margin:.3em 0}.glance th{width:11em}\n"
"ol.toc{list-style:none;padding-left:0}ol.toc ol{list-style:none;padding-left:1.4em}\n"
".hitmsg{border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;margin:8px 0;"
"break-inside:avoid}\n"
".hitmsg .ctx{margin:2px 0 0 1em;font-size:13.5px}\n"
".tagged p{margin:2px 0}.tagged .hash{word-break:normal;white-space:nowrap}\n"
"table.ledger td{padding:3px 6px;font-size:12.5px}\n"
"table.ledger .lifecycle{font-size:11px;margin:2px 0 0}\n"
"table.ledger .prov{font-size:10px;margin:0}\n"
".sign td{height:3em;vertical-align:bottom}\n"
".warn{color:#9a3412;font-weight:600}\n"
".ok{color:#166534;font-weight:600}\n"
".lifecycle{margin:4px 0 0;padding-left:1.2em;font-size:12px;color:#333}\n"
"@media print{html{font-size:12.5px}.wrap{max-width:none;padding:0}"
"a{color:inherit}nav a::after{content:\"\"}h2{break-before:page}h2.first{break-before:auto}"
".chat{background:#f0f0f0}}\n";

/* Added for report.pdf's document only (WeasyPrint): the ledger's columns fixed and times
 * allowed to wrap, so that no column (the ledger's lifecycle and provenance, the processing
 * record's results) is squeezed off the page. */
static const char rpt_css_pdf[] =
"table.ledger{table-layout:fixed}td.nw{white-space:normal}\n"
"table.ledger th:nth-child(1){width:4%}table.ledger th:nth-child(2){width:14%}"
"table.ledger th:nth-child(3){width:11%}table.ledger th:nth-child(4){width:11%}"
"table.ledger th:nth-child(5){width:18%}table.ledger th:nth-child(6){width:42%}\n"
".wit{font-size:10px}\n";

#endif
