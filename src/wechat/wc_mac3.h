/* SPDX-License-Identifier: Apache-2.0 */
/*
 * macOS WeChat 3.x reader: the plaintext images of one account's databases
 * (.../com.tencent.xinWeChat/<version>/<32-hex account folder>/) → the common model
 * (wechat-desktop.md 3, corrections A.5):
 *
 *   Contact/wccontact_new2.db  WCContact(m_nsUsrName, nickname, m_nsRemark, m_nsAliasName,
 *                              m_nsEncodeUserName, m_uiCertificationFlag): the contact list
 *   Group/group_new.db         GroupContact(m_nsUsrName, nickname, m_nsChatRoomMemList members
 *                              joined by ';', m_nsChatRoomAdminList)
 *   Message/msg_N.db           Chat_<md5(username)>(mesLocalID, mesSvrID, msgCreateTime seconds,
 *                              msgContent (received group messages "wxid:\n" + text),
 *                              messageType, mesDes 0 = sent by the owner / 1 = received,
 *                              msgStatus, msgSource); the conversation is the contact, group or
 *                              session username whose md5 names the table
 *   Session/session_new.db     SessionAbstract(m_nsUserName, m_uUnReadCount, m_uLastTime)
 *
 * The owner: the contact or group member whose md5 is the account folder's name [U: observed
 * layout, not a documented fact]; none found → the folder name stands for the owner and a
 * limitation says so.
 *   hldata.db                  HlinkMediaRecord(mediaMd5, mediaSize, inodeNumber, modifyTime)
 *                              joined on inodeNumber to HlinkMediaDetail(localId, inodeNumber,
 *                              relativePath, fileName): the file of an image message's
 *                              <img md5>, linked and its .dat decoded (wc_desk.c, wc_dat.c)
 */
#ifndef WXF_WECHAT_MAC3_H
#define WXF_WECHAT_MAC3_H

#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_desk.h"

typedef struct wxf_mac3 wxf_mac3;
typedef struct wxf_mac3_db wxf_mac3_db;

typedef struct wxf_mac3_stats {
	size_t n_msgs, n_contacts, n_talker_unknown;
	size_t n_img_linked, n_img_missing;  /* image messages whose file hldata.db names, none */
	int owner_found;               /* the owner's username hashes to the folder name */
} wxf_mac3_stats;

int wxf_mac3_new(wxf_mac3 **w, wxf_model *m, const char *folder, const char *acct_dir,
    wxf_desk *dk, wxf_err *err);
void wxf_mac3_free(wxf_mac3 **w);
int wxf_mac3_db_open(wxf_mac3 *w, wxf_mac3_db **r, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err);
int wxf_mac3_db_read(wxf_mac3_db *r, wxf_err *err);
int wxf_mac3_db_add_row(wxf_mac3_db *r, const wxf_sqlrow *row, const wxf_prov *prov,
    wxf_err *err);
void wxf_mac3_db_close(wxf_mac3_db **r);
/* The owner when none was found (the folder name).  WXF_OK or WXF_ENOMEM. */
int wxf_mac3_finish(wxf_mac3 *w, wxf_err *err);
const wxf_mac3_stats *wxf_mac3_stats_of(const wxf_mac3 *w);
/* The file an HlinkMediaDetail row names, below the account folder: *out = relativePath
 * (leading and trailing '/' dropped) + "/" + fileName (malloc'd), or NULL when either is absent
 * or would leave the folder ("..", '\', a '/' in fileName) or is over 4096 bytes.  WXF_OK or
 * WXF_ENOMEM. */
int wxf_mac3_hl_path(const char *relative_path, const char *file_name, char **out);

#endif
