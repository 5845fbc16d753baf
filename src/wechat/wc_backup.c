/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PC backup driver: WeChat's "Backup & Restore" folders (Backup.db + BAK_<n>_TEXT/MEDIA,
 * wc_backup.h) as one entry of the platform table.  The folder is not a set of databases read
 * row by row, so the driver reads it whole (run): the reader verifies the examiner's key on
 * Backup.db, decrypts it through the shared path (decrypt/: physical image, cross-check,
 * audit), decodes the BAK files and writes the media below the account's work folder.  The
 * decryption result goes back to case/ in dbs[0], which states it like every other database.
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_backup.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BACKUP_DB "Backup.db"

static int
backup_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v,
    size_t *n, wxf_err *err)
{
	size_t i, k = 0;

	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		char layout[16], source[16], acct[256], *folder, *dir, *leaf;
		wxf_wc_acct *a, **nv;

		if (it->member != NULL || !wxf_item_is_content(it) ||
		    strcasecmp(wxf_path_base(it->path), BACKUP_DB) != 0)
			continue;
		folder = wxf_path_dir(it->abs);
		acct[0] = '\0';
		if (!wxf_pcbackup_probe(folder, layout, source, acct, sizeof(acct))) {
			free(folder);
			continue;
		}
		dir = wxf_path_dir(it->path);
		leaf = wxf_xasprintf("work/backup-%zu", ++k);
		a = wxf_wc_acct_new(drv, inv, it->root, acct[0] ? acct : wxf_path_base(dir), dir,
		    folder, leaf);
		free(dir);
		free(folder);
		free(leaf);
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (a == NULL || nv == NULL || wxf_wc_acct_add_db(a, it, "backup-index", "win3", 0, 0) < 0) {
			wxf_wc_acct_free(&a);
			if (nv != NULL)
				*v = nv;
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		*v = nv;
		(*v)[(*n)++] = a;
	}
	return WXF_OK;
}

static int
backup_run(wxf_wc_acct *a, wxf_err *err)
{
	const wxf_wc_env *env = a->env;
	wxf_wc_db *d = &a->dbs[0];
	wxf_pcbackup_opts o;
	wxf_pcbackup_result res;
	char *j;
	wxf_buf b;
	size_t w;
	int rc, ok;

	memset(&o, 0, sizeof(o));
	o.key_hex = env->backup_key;
	o.work_dir = a->work_abs;
	o.record_as = a->work;
	o.record_in = a->dir;
	o.audit = env->audit;
	o.reveal_key = env->reveal_key;
	wxf_log_info(env->log, "reading WeChat PC backup %s", d->item->path);
	rc = wxf_pcbackup_read_opts(a->m, a->dir_abs, &o, &res, err);
	j = wxf_pcbackup_result_json(&res);
	wxf_buf_init(&b);
	wxf_buf_printf(&b, "\"backup\":%s", j != NULL ? j : "null");
	if (env->audit != NULL)
		wxf_audit_add(env->audit, "pc-backup-result", b.p, NULL);
	wxf_buf_free(&b);
	free(j);
	ok = rc == WXF_OK && res.status == WXF_PCB_READ;
	if (res.key_ok) {
		d->have_dec = 1;
		d->dec = res.dec;
		memset(&res.dec, 0, sizeof(res.dec));
		d->image = res.image != NULL ? wxf_xstrdup(res.image) : NULL;
	}
	if (ok && d->dec.xcheck_ran && d->dec.xcheck.status == WXF_XCHECK_DISAGREES)
		d->status = wxf_xasprintf("解密完成但独立复核不一致 (decrypted, but the cross-check "
		    "disagrees): %s", d->dec.xcheck.detail);
	else if (ok)
		d->status = wxf_xstrdup("解密成功 (decrypted)");
	else if (res.status == WXF_PCB_KEY_REQUIRED)
		d->status = wxf_xstrdup("未能解密 (not decrypted): the backup key is required "
		    "(--backup-key)");
	else if (res.key_ok)
		d->status = wxf_xasprintf("解密成功，但未能读取 (decrypted, not read): %s", err->msg);
	else
		d->status = wxf_xasprintf("未能解密 (not decrypted): %s", err->msg);
	if (!ok) {
		char *l = res.status == WXF_PCB_KEY_REQUIRED ?
		    wxf_xasprintf("WeChat PC backup %s recognised, inventoried and hashed; its "
		    "messages need the backup key (--backup-key).", d->item->path) :
		    wxf_xasprintf("WeChat PC backup %s not read: %s", d->item->path, err->msg);

		wxf_log_warn(env->log, "%s", l);
		wxf_wc_limit(env, "%s", l);
		if (rc == WXF_OK)
			rc = wxf_err_set(err, WXF_EKEY, "%s", l);
		free(l);
	}
	for (w = 0; w < res.n_warnings && w < 20; w++)
		wxf_log_warn(env->log, "PC backup: %s", res.warnings[w]);
	wxf_pcbackup_result_free(&res);
	return rc;
}

const wxf_wc_driver wxf_wc_backup_driver = {
	.name = "pc-backup",
	.platform = WXF_PLAT_BACKUP,
	.unit = "WeChat PC backups",
	.accounts = backup_accounts,
	.run = backup_run,
};
