
wxid_daigou_linA1B2C3D4E5F60718ðøÃ   ®Æ *,HUAWEIP30 Pro"android*102
0x280023378