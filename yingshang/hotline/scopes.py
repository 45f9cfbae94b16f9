from yingshang.hotline.rules import register_scopes

register_scopes()
