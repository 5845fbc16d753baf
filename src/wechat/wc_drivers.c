/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform table (libarchive's archive_read_support_format_all.c, TSK's FS_OPENERS[]):
 * one line per WeChat client family, in reading order.  Adding a platform is one line here
 * and its own wc_<platform>*.c files.  This file holds nothing else, so that a test can link
 * its own table in its place.
 */
#include "config.h"
#include "wechat/wc_driver.h"

extern const wxf_wc_driver wxf_wc_android_driver, wxf_wc_backup_driver, wxf_wc_ios_driver,
    wxf_wc_win3_driver, wxf_wc_wx4_driver,
    wxf_wc_mac3_driver;

const wxf_wc_driver *const wxf_wc_drivers[] = {
	&wxf_wc_android_driver,      /* Android: EnMicroMsg.db and its full-text index */
	&wxf_wc_backup_driver,       /* WeChat PC "Backup & Restore" folders */
	&wxf_wc_ios_driver,          /* iPhone: iTunes/Finder backups, full-file-system extractions */
	&wxf_wc_win3_driver,         /* Windows 3.x: WeChat Files/<wxid>/Msg/ */
	&wxf_wc_wx4_driver,          /* WeChat 4.x (Windows, macOS): xwechat_files/<wxid>_<sfx>/db_storage/ */
	&wxf_wc_mac3_driver,         /* macOS 3.x: com.tencent.xinWeChat/<version>/<32 hex>/ */
	NULL
};
