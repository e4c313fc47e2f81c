<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name />
        <message>
            <source>Save to a file ending in .pdf.</source>
            <translation>请保存为 .pdf 文件。</translation>
        </message>
        <message>
            <source>Cannot write {file}: {error}</source>
            <translation>无法写入 {file}：{error}</translation>
        </message>
        <message>
            <source>Shelf labels</source>
            <translation>价签</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Sales receipt</source>
            <translation>销售小票</translation>
        </message>
        <message>
            <source>No. {id}</source>
            <translation>单号 {id}</translation>
        </message>
        <message>
            <source>{n} items</source>
            <translation>共 {n} 件</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>Cash refunded</source>
            <translation>退还现金</translation>
        </message>
        <message>
            <source>Paid</source>
            <translation>实收</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>Thank you, see you again!</source>
            <translation>谢谢惠顾，欢迎再来！</translation>
        </message>
        <message>
            <source>Receipt {id}</source>
            <translation>小票 {id}</translation>
        </message>
    </context>
    <context>
        <name>AddSourceDialog</name>
        <message>
            <source>Add a catalog source</source>
            <translation>添加货源</translation>
        </message>
        <message>
            <source>Supplier's feed on the web (URL)</source>
            <translation>供应商的网络货源（网址）</translation>
        </message>
        <message>
            <source>Feed folder (e.g. on a USB stick)</source>
            <translation>货源文件夹（例如 U 盘上）</translation>
        </message>
        <message>
            <source>Excel or CSV price list</source>
            <translation>Excel 或 CSV 价格表</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>e.g. 广州饮料批发</source>
            <translation>例如：广州饮料批发</translation>
        </message>
        <message>
            <source>only if the supplier gave you one</source>
            <translation>供应商给了才需要填</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Where</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Access token</source>
            <translation>访问令牌</translation>
        </message>
        <message>
            <source>Choose with Browse…</source>
            <translation>点击“浏览…”选择</translation>
        </message>
        <message>
            <source>Feed folder</source>
            <translation>货源文件夹</translation>
        </message>
        <message>
            <source>Price list</source>
            <translation>价格表</translation>
        </message>
        <message>
            <source>Price lists (*.xlsx *.csv)</source>
            <translation>价格表 (*.xlsx *.csv)</translation>
        </message>
    </context>
    <context>
        <name>App</name>
        <message>
            <source>Shop Desk is already open on this computer. Look for its window on the taskbar; only one copy can use the shop's data at a time.</source>
            <translation>Shop Desk 已经在这台电脑上打开了。请在任务栏上找到它的窗口；同一份店铺数据一次只能由一个程序使用。</translation>
        </message>
        <message>
            <source>A sale is in progress at the counter. Restart anyway and drop it?</source>
            <translation>收银台还有一笔未结账的销售。仍要重新启动并放弃它吗？</translation>
        </message>
        <message>
            <source>The shop's data could not be opened: {error}</source>
            <translation>无法打开店铺数据：{error}</translation>
        </message>
        <message>
            <source>{error}

Open the shop's data on this PC instead, this time? (Settings &gt; Database changes the database for good.)</source>
            <translation>{error}

这次改为打开本机上的店铺数据吗？（在“设置 &gt; 数据库”中可以长期更改。）</translation>
        </message>
        <message>
            <source>The demo data is not part of this version.</source>
            <translation>此版本不包含演示数据。</translation>
        </message>
        <message>
            <source>Preparing the demo shop…</source>
            <translation>正在准备演示店铺…</translation>
        </message>
        <message>
            <source>The demo shop is ready.</source>
            <translation>演示店铺已准备好。</translation>
        </message>
    </context>
    <context>
        <name>AutoBackup</name>
        <message>
            <source>Daily backup written: {path}</source>
            <translation>每日备份已写入：{path}</translation>
        </message>
        <message>
            <source>The daily backup failed: {error}</source>
            <translation>每日备份失败：{error}</translation>
        </message>
    </context>
    <context>
        <name>BackupSection</name>
        <message>
            <source>the backups folder in the data folder</source>
            <translation>数据文件夹中的 backups 文件夹</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>选择…</translation>
        </message>
        <message>
            <source>Use the data folder</source>
            <translation>使用数据文件夹</translation>
        </message>
        <message>
            <source>Back up now</source>
            <translation>立即备份</translation>
        </message>
        <message>
            <source>Backup folder</source>
            <translation>备份文件夹</translation>
        </message>
        <message>
            <source>Last backup</source>
            <translation>上次备份</translation>
        </message>
        <message>
            <source>Restore a backup (pick one, then Restore):</source>
            <translation>恢复备份（先选一个，再点“恢复”）：</translation>
        </message>
        <message>
            <source>Restore…</source>
            <translation>恢复…</translation>
        </message>
        <message>
            <source>none yet</source>
            <translation>还没有</translation>
        </message>
        <message>
            <source>Backing up…</source>
            <translation>正在备份…</translation>
        </message>
        <message>
            <source>Backup written: {path}</source>
            <translation>备份已保存：{path}</translation>
        </message>
        <message>
            <source>Replace the shop's data with the backup of {when}?

Everything recorded since then (sales, receipts, changes) is replaced. The data as it is now is backed up first, so this can be undone.</source>
            <translation>用 {when} 的备份替换店铺数据吗？

此后记录的一切（销售、入库、修改）都会被替换。现在的数据会先备份，所以可以撤销。</translation>
        </message>
        <message>
            <source>The database is shared: close Shop Desk on the other counters first.</source>
            <translation>数据库是共用的：请先关闭其他收银台上的 Shop Desk。</translation>
        </message>
        <message>
            <source>Restore a backup</source>
            <translation>恢复备份</translation>
        </message>
        <message>
            <source>Restoring…</source>
            <translation>正在恢复…</translation>
        </message>
        <message>
            <source>Restored. The data from before the restore is kept in {path}.</source>
            <translation>已恢复。恢复前的数据保存在 {path}。</translation>
        </message>
        <message>
            <source>by hand</source>
            <translation>手动</translation>
        </message>
        <message>
            <source>daily</source>
            <translation>每日</translation>
        </message>
        <message>
            <source>before an update</source>
            <translation>更新前</translation>
        </message>
        <message>
            <source>before a restore</source>
            <translation>恢复前</translation>
        </message>
    </context>
    <context>
        <name>BarcodeRow</name>
        <message>
            <source>Scan or type the barcode</source>
            <translation>扫描或输入条码</translation>
        </message>
        <message>
            <source>× </source>
            <translation>× </translation>
        </message>
        <message>
            <source>Base units one scan stands for: 1 for the item, e.g. 24 for a case</source>
            <translation>扫一次代表的基本单位数：单品为 1，整箱如 24</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>删除</translation>
        </message>
    </context>
    <context>
        <name>CartModel</name>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Qty</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>售价</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>Only {n} on the books — sold anyway; count the shelf later.</source>
            <translation>账上只有 {n} 件——已照常售出；稍后请盘点货架。</translation>
        </message>
    </context>
    <context>
        <name>CatalogPage</name>
        <message>
            <source>Search offers: name, pinyin initials, barcode or item number</source>
            <translation>搜索货源商品：名称、拼音首字母、条码或货号</translation>
        </message>
        <message>
            <source>All offers</source>
            <translation>全部商品</translation>
        </message>
        <message>
            <source>Linked to my products</source>
            <translation>已关联本店商品</translation>
        </message>
        <message>
            <source>Not linked</source>
            <translation>未关联</translation>
        </message>
        <message>
            <source>New arrivals</source>
            <translation>新品上架</translation>
        </message>
        <message>
            <source>Price drops</source>
            <translation>降价</translation>
        </message>
        <message>
            <source>Link to product…</source>
            <translation>关联到商品…</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>立即同步</translation>
        </message>
        <message>
            <source>Supplier</source>
            <translation>供应商</translation>
        </message>
        <message>
            <source>Item no.</source>
            <translation>货号</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Pack</source>
            <translation>包装</translation>
        </message>
        <message>
            <source>Price per pack</source>
            <translation>每件价格</translation>
        </message>
        <message>
            <source>Min. order</source>
            <translation>起订量</translation>
        </message>
        <message>
            <source>Multiple</source>
            <translation>倍数</translation>
        </message>
        <message>
            <source>Available</source>
            <translation>可售</translation>
        </message>
        <message>
            <source>Lead time (days)</source>
            <translation>到货天数</translation>
        </message>
        <message>
            <source>New since</source>
            <translation>上新日期</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>条码</translation>
        </message>
        <message>
            <source>Linked</source>
            <translation>已关联</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Since</source>
            <translation>降价日期</translation>
        </message>
        <message>
            <source>Was</source>
            <translation>原价</translation>
        </message>
        <message>
            <source>Now</source>
            <translation>现价</translation>
        </message>
        <message>
            <source>Units per pack</source>
            <translation>每件数量</translation>
        </message>
        <message>
            <source>Saving per pack vs. last purchase</source>
            <translation>每件比上次进货省</translation>
        </message>
        <message>
            <source>New arrival</source>
            <translation>新品</translation>
        </message>
        <message>
            <source>All sources</source>
            <translation>全部货源</translation>
        </message>
        <message>
            <source>No sources yet: add a supplier's feed or price list in Settings → Sources.</source>
            <translation>还没有货源：请在 设置 → 货源 中添加供应商的货源或价格表。</translation>
        </message>
        <message>
            <source>{name}: never synced</source>
            <translation>{name}：从未同步</translation>
        </message>
        <message>
            <source>{name}: copy from just now</source>
            <translation>{name}：刚刚同步的数据</translation>
        </message>
        <message>
            <source>{n} min</source>
            <translation>{n} 分钟</translation>
        </message>
        <message>
            <source>{n} h</source>
            <translation>{n} 小时</translation>
        </message>
        <message>
            <source>{n} days</source>
            <translation>{n} 天</translation>
        </message>
        <message>
            <source>{name}: copy from {age} ago</source>
            <translation>{name}：{age}前的数据</translation>
        </message>
        <message>
            <source>{n} rows</source>
            <translation>共 {n} 行</translation>
        </message>
        <message>
            <source>Link</source>
            <translation>关联</translation>
        </message>
        <message>
            <source>Choose an offer first.</source>
            <translation>请先选择一个货源商品。</translation>
        </message>
        <message>
            <source>Cancel sync</source>
            <translation>取消同步</translation>
        </message>
    </context>
    <context>
        <name>CounterPage</name>
        <message>
            <source>Scan a barcode, or type a short code, pinyin initials or part of a name</source>
            <translation>扫描条码，或输入自编码、拼音首字母或部分名称</translation>
        </message>
        <message>
            <source>F12 pay · F9 void sale · F8 returns · + / − quantity · 3* sets quantity 3 · Del removes the line · ↑ ↓ choose a line · Esc back</source>
            <translation>F12 收款 · F9 作废本单 · F8 退货 · + / − 改数量 · 3* 把数量设为 3 · Del 删除该行 · ↑ ↓ 选择行 · Esc 返回</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>Pay (F12)</source>
            <translation>收款 (F12)</translation>
        </message>
        <message>
            <source>Quantity…</source>
            <translation>数量…</translation>
        </message>
        <message>
            <source>Remove line (Del)</source>
            <translation>删除该行 (Del)</translation>
        </message>
        <message>
            <source>Void sale (F9)</source>
            <translation>作废本单 (F9)</translation>
        </message>
        <message>
            <source>Returns (F8)</source>
            <translation>退货 (F8)</translation>
        </message>
        <message>
            <source>Print receipt (Ctrl+P)</source>
            <translation>打印小票 (Ctrl+P)</translation>
        </message>
        <message>
            <source>Nothing matches “{text}”. Try pinyin initials, part of the name, a short code or the barcode.</source>
            <translation>没有找到“{text}”。试试拼音首字母、部分名称、自编码或条码。</translation>
        </message>
        <message>
            <source>on hand {n}</source>
            <translation>库存 {n}</translation>
        </message>
        <message>
            <source>No product has barcode {code}. Create it now?</source>
            <translation>没有条码为 {code} 的商品。现在新建吗？</translation>
        </message>
        <message>
            <source>Unknown barcode</source>
            <translation>未知条码</translation>
        </message>
        <message>
            <source>The product editor is not available.</source>
            <translation>商品编辑器不可用。</translation>
        </message>
        <message>
            <source>{name}: only {n} on the books — sold anyway; count the shelf later.</source>
            <translation>{name}：账上只有 {n} 件——已照常售出；稍后请盘点货架。</translation>
        </message>
        <message>
            <source>Press Del to remove the line.</source>
            <translation>按 Del 删除该行。</translation>
        </message>
        <message>
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Void this sale of {n} items ({total})?</source>
            <translation>作废本单（共 {n} 件，{total}）吗？</translation>
        </message>
        <message>
            <source>Void sale</source>
            <translation>作废销售单</translation>
        </message>
        <message>
            <source>The sale was voided; nothing was recorded.</source>
            <translation>本单已作废，未记录任何销售。</translation>
        </message>
        <message>
            <source>{n} items, {lines} lines</source>
            <translation>共 {n} 件，{lines} 行</translation>
        </message>
        <message>
            <source>The sale is empty: scan a product first.</source>
            <translation>这笔销售是空的：请先扫描商品。</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>Sale {id}: total {total}, paid {paid}.</source>
            <translation>销售单 {id}：合计 {total}，实收 {paid}。</translation>
        </message>
        <message>
            <source>Sold more than the books held: {names}. Count these shelves when you can.</source>
            <translation>售出数量超过账面库存：{names}。有空时请盘点这些货架。</translation>
        </message>
        <message>
            <source>Sale {id} recorded: {total}, change {change}.</source>
            <translation>销售单 {id} 已记录：{total}，找零 {change}。</translation>
        </message>
        <message>
            <source>The sale was not saved: {error}</source>
            <translation>本单未保存：{error}</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
    </context>
    <context>
        <name>DataFolderSection</name>
        <message>
            <source>Open in file manager</source>
            <translation>在文件管理器中打开</translation>
        </message>
        <message>
            <source>Data folder</source>
            <translation>数据文件夹</translation>
        </message>
    </context>
    <context>
        <name>DatabaseSection</name>
        <message>
            <source>kept in the Windows credential store</source>
            <translation>保存在 Windows 凭据管理器中</translation>
        </message>
        <message>
            <source>Test connection</source>
            <translation>测试连接</translation>
        </message>
        <message>
            <source>Leave the address empty to keep the shop's data on this PC. Several counters share one PostgreSQL server. A new address is used from the next start.</source>
            <translation>地址留空则店铺数据保存在本机。多个收银台共用一台 PostgreSQL 服务器。新地址在下次启动时生效。</translation>
        </message>
        <message>
            <source>Open now</source>
            <translation>当前打开</translation>
        </message>
        <message>
            <source>Shared database</source>
            <translation>共用数据库</translation>
        </message>
        <message>
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>Type the address of the PostgreSQL server first.</source>
            <translation>请先填写 PostgreSQL 服务器的地址。</translation>
        </message>
        <message>
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
    </context>
    <context>
        <name>DraftModel</name>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>货源</translation>
        </message>
        <message>
            <source>Packs</source>
            <translation>件数</translation>
        </message>
        <message>
            <source>Units</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Unit price</source>
            <translation>单价</translation>
        </message>
        <message>
            <source>Line cost</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Days of cover</source>
            <translation>到货后可卖天数</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>{supplier} · {units}/pack · {price}</source>
            <translation>{supplier} · {units}/件 · {price}</translation>
        </message>
    </context>
    <context>
        <name>ErrorDialog</name>
        <message>
            <source>Shop Desk: something went wrong</source>
            <translation>Shop Desk：出现问题</translation>
        </message>
        <message>
            <source>Shop Desk met an unexpected problem. What you were doing may not have been saved: check it, then carry on. If it happens again, copy the details below and send them to whoever looks after this computer.</source>
            <translation>Shop Desk 遇到了意外问题，刚才的操作可能没有保存：请检查一下再继续。如果再次发生，请复制下面的详细信息，发给帮您维护这台电脑的人。</translation>
        </message>
        <message>
            <source>The details are also in the log file {path}.</source>
            <translation>详细信息也记录在日志文件 {path} 中。</translation>
        </message>
        <message>
            <source>Copy details</source>
            <translation>复制详细信息</translation>
        </message>
        <message>
            <source>Copied</source>
            <translation>已复制</translation>
        </message>
    </context>
    <context>
        <name>ErrorHook</name>
        <message>
            <source>Shop Desk</source>
            <translation>Shop Desk</translation>
        </message>
    </context>
    <context>
        <name>ImportDialog</name>
        <message>
            <source>Import products</source>
            <translation>导入商品</translation>
        </message>
        <message>
            <source>Barcode</source>
            <translation>条码</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Retail price</source>
            <translation>零售价</translation>
        </message>
        <message>
            <source>Cost</source>
            <translation>进价</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>分类</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>规格</translation>
        </message>
        <message>
            <source>Short code</source>
            <translation>自编码</translation>
        </message>
        <message>
            <source>Shelf life (days)</source>
            <translation>保质期（天）</translation>
        </message>
        <message>
            <source>Case barcode</source>
            <translation>箱码</translation>
        </message>
        <message>
            <source>Units per case</source>
            <translation>箱规</translation>
        </message>
        <message>
            <source>Choose a CSV or Excel file…</source>
            <translation>选择 CSV 或 Excel 文件…</translation>
        </message>
        <message>
            <source>Choose file…</source>
            <translation>选择文件…</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Import</source>
            <translation>导入</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Columns</source>
            <translation>列对应</translation>
        </message>
        <message>
            <source>Line</source>
            <translation>行</translation>
        </message>
        <message>
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <source>Barcodes</source>
            <translation>条码</translation>
        </message>
        <message>
            <source>Column</source>
            <translation>列</translation>
        </message>
        <message>
            <source>Problem</source>
            <translation>问题</translation>
        </message>
        <message>
            <source>Preview</source>
            <translation>预览</translation>
        </message>
        <message>
            <source>Problems</source>
            <translation>问题</translation>
        </message>
        <message>
            <source>New</source>
            <translation>新增</translation>
        </message>
        <message>
            <source>Update</source>
            <translation>更新</translation>
        </message>
        <message>
            <source>Spreadsheets (*.xlsx *.csv *.txt);;All files (*)</source>
            <translation>表格文件 (*.xlsx *.csv *.txt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Header on line {line}</source>
            <translation>表头在第 {line} 行</translation>
        </message>
        <message>
            <source>Encoding: {name}</source>
            <translation>编码：{name}</translation>
        </message>
        <message>
            <source>Sheet: {name}</source>
            <translation>工作表：{name}</translation>
        </message>
        <message>
            <source>Not imported: {columns}</source>
            <translation>不导入的列：{columns}</translation>
        </message>
        <message>
            <source>Preview ({n})</source>
            <translation>预览（{n}）</translation>
        </message>
        <message>
            <source>Problems ({errors} errors, {warnings} warnings)</source>
            <translation>问题（{errors} 个错误，{warnings} 个警告）</translation>
        </message>
        <message>
            <source>Nothing can be imported until the file has no errors. Fix the lines listed (or choose other columns) and read it again.</source>
            <translation>文件中还有错误，无法导入。请修改列出的行（或重新选择列）后再读取。</translation>
        </message>
        <message>
            <source>(not used)</source>
            <translation>（不导入）</translation>
        </message>
        <message>
            <source>Something went wrong while handling the file; nothing was imported. The log has the details. ({detail})</source>
            <translation>处理文件时出错，没有导入任何内容。详细信息已写入日志。（{detail}）</translation>
        </message>
    </context>
    <context>
        <name>LabelPrintDialog</name>
        <message>
            <source>Print shelf labels</source>
            <translation>打印价签</translation>
        </message>
        <message>
            <source>Labels already used on the first sheet</source>
            <translation>第一张标签纸上已经用掉的张数</translation>
        </message>
        <message>
            <source>Labels</source>
            <translation>标签</translation>
        </message>
        <message>
            <source>Copies of each</source>
            <translation>每个商品打印</translation>
        </message>
        <message>
            <source>Skip on the first sheet</source>
            <translation>第一张纸跳过</translation>
        </message>
        <message>
            <source>{n} labels on {pages} page(s)</source>
            <translation>{n} 张标签，共 {pages} 页</translation>
        </message>
    </context>
    <context>
        <name>LinkDialog</name>
        <message>
            <source>Link offer to a product</source>
            <translation>把货源商品关联到本店商品</translation>
        </message>
        <message>
            <source>{supplier} · {sku} · {name}</source>
            <translation>{supplier} · {sku} · {name}</translation>
        </message>
        <message>
            <source>Name, pinyin initials or barcode</source>
            <translation>名称、拼音首字母或条码</translation>
        </message>
        <message>
            <source> units per pack</source>
            <translation> 个/件</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>One pack holds</source>
            <translation>每件含</translation>
        </message>
        <message>
            <source>Remove the link</source>
            <translation>取消关联</translation>
        </message>
        <message>
            <source>Linked now to: {names}</source>
            <translation>当前关联：{names}</translation>
        </message>
        <message>
            <source>Choose a product first.</source>
            <translation>请先选择一个商品。</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Counter</source>
            <translation>收银</translation>
        </message>
        <message>
            <source>Stock</source>
            <translation>库存</translation>
        </message>
        <message>
            <source>Reorder</source>
            <translation>补货</translation>
        </message>
        <message>
            <source>Purchase orders</source>
            <translation>采购单</translation>
        </message>
        <message>
            <source>Catalog</source>
            <translation>货源</translation>
        </message>
        <message>
            <source>Reports</source>
            <translation>报表</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>设置</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>正在处理…</translation>
        </message>
        <message>
            <source>Here you will see every product with its stock on hand, cost and value, with low stock and goods near expiry highlighted.</source>
            <translation>这里将列出每件商品的库存、成本和货值，并突出显示库存不足和临期的商品。</translation>
        </message>
        <message>
            <source>Here you will see what to order today: how much of each product, from which wholesale source, at first-hand wholesale prices, with the reason in plain numbers (sells about 4 a day, 6 left, arrives in 2 days).</source>
            <translation>这里将告诉您今天该补什么货：每件商品补多少、从哪个批发货源进、按一手批发价，并用简单的数字说明理由（每天约卖 4 件，还剩 6 件，2 天到货）。</translation>
        </message>
        <message>
            <source>Here you will turn the reorder list into a purchase order per supplier, send it (PDF, Excel or a WeChat message), and receive the goods when they arrive, even in part or at another price.</source>
            <translation>这里将把补货清单按供应商生成采购单并发送（PDF、Excel 或微信消息），到货时办理入库，部分到货或价格变动也能处理。</translation>
        </message>
        <message>
            <source>Here you will browse your wholesalers' catalogs, kept up to date on this computer: prices, quantity breaks, new arrivals and price drops.</source>
            <translation>这里将浏览保存在本机、随时更新的批发商货源目录：价格、批量优惠、新品和降价。</translation>
        </message>
        <message>
            <source>{name} (demo shop)</source>
            <translation>{name}（演示店铺）</translation>
        </message>
        <message>
            <source>Shop Desk</source>
            <translation>Shop Desk</translation>
        </message>
        <message>
            <source>Opening the shop…</source>
            <translation>正在打开店铺…</translation>
        </message>
        <message>
            <source>Shop Desk — {shop}</source>
            <translation>Shop Desk — {shop}</translation>
        </message>
    </context>
    <context>
        <name>OrdersPage</name>
        <message>
            <source>Open (drafts and goods to come)</source>
            <translation>未完成（草稿和待到货）</translation>
        </message>
        <message>
            <source>All orders</source>
            <translation>全部订单</translation>
        </message>
        <message>
            <source>Drafts</source>
            <translation>草稿</translation>
        </message>
        <message>
            <source>Sent</source>
            <translation>已发出</translation>
        </message>
        <message>
            <source>Partly received</source>
            <translation>部分到货</translation>
        </message>
        <message>
            <source>Received</source>
            <translation>已收</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>显示</translation>
        </message>
        <message>
            <source>Order</source>
            <translation>订单</translation>
        </message>
        <message>
            <source>Supplier</source>
            <translation>供应商</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Made</source>
            <translation>创建时间</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>预计到货</translation>
        </message>
        <message>
            <source>Lines</source>
            <translation>行数</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>Supplier's no.</source>
            <translation>供应商单号</translation>
        </message>
        <message>
            <source>Item no.</source>
            <translation>货号</translation>
        </message>
        <message>
            <source>Item</source>
            <translation>品名</translation>
        </message>
        <message>
            <source>Packs</source>
            <translation>件数</translation>
        </message>
        <message>
            <source>Units per pack</source>
            <translation>每件数量</translation>
        </message>
        <message>
            <source>Price per pack</source>
            <translation>每件价格</translation>
        </message>
        <message>
            <source>Amount</source>
            <translation>金额</translation>
        </message>
        <message>
            <source>Still to come</source>
            <translation>待到货</translation>
        </message>
        <message>
            <source>Mark as sent</source>
            <translation>标记为已发出</translation>
        </message>
        <message>
            <source>You passed the order on yourself (WeChat, phone, PDF)</source>
            <translation>您已自行把订单发给供应商（微信、电话、PDF）</translation>
        </message>
        <message>
            <source>Submit to supplier</source>
            <translation>提交给供应商</translation>
        </message>
        <message>
            <source>Send over the internet</source>
            <translation>通过网络发送</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <source>PDF…</source>
            <translation>PDF…</translation>
        </message>
        <message>
            <source>Excel (XLSX)…</source>
            <translation>Excel（XLSX）…</translation>
        </message>
        <message>
            <source>Copy text for WeChat</source>
            <translation>复制文字（发微信）</translation>
        </message>
        <message>
            <source>Receive…</source>
            <translation>收货…</translation>
        </message>
        <message>
            <source>Ask supplier for status</source>
            <translation>查询供应商订单状态</translation>
        </message>
        <message>
            <source>Close (rest will not come)</source>
            <translation>结单（余下的不会来了）</translation>
        </message>
        <message>
            <source>Cancel order</source>
            <translation>取消订单</translation>
        </message>
        <message>
            <source>{n} orders</source>
            <translation>{n} 张订单</translation>
        </message>
        <message>
            <source>Choose an order above.</source>
            <translation>请在上方选择一张订单。</translation>
        </message>
        <message>
            <source>Status: &lt;b&gt;{status}&lt;/b&gt;</source>
            <translation>状态：&lt;b&gt;{status}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>made {when}</source>
            <translation>创建于 {when}</translation>
        </message>
        <message>
            <source>sent {when}</source>
            <translation>发出于 {when}</translation>
        </message>
        <message>
            <source>due {day}</source>
            <translation>预计 {day} 到货</translation>
        </message>
        <message>
            <source>supplier's order {id}: {status}</source>
            <translation>供应商订单 {id}：{status}</translation>
        </message>
        <message>
            <source>note: {note}</source>
            <translation>备注：{note}</translation>
        </message>
        <message>
            <source>Subtotal {amount}</source>
            <translation>小计 {amount}</translation>
        </message>
        <message>
            <source>member {tier} −{amount}</source>
            <translation>会员 {tier} −{amount}</translation>
        </message>
        <message>
            <source>shipping {amount}</source>
            <translation>运费 {amount}</translation>
        </message>
        <message>
            <source>&lt;b&gt;total {amount}&lt;/b&gt;</source>
            <translation>&lt;b&gt;合计 {amount}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Did you pass {ref} on to {supplier}? From now on it counts as ordered.</source>
            <translation>{ref} 已经发给 {supplier} 了吗？从现在起它算作已订货。</translation>
        </message>
        <message>
            <source>Cancel {ref}? Tell {supplier} too if it was already sent.</source>
            <translation>取消 {ref}？如果已经发出，也请告诉 {supplier}。</translation>
        </message>
        <message>
            <source>Close order</source>
            <translation>结单</translation>
        </message>
        <message>
            <source>Will the rest of {ref} not come? It then stops counting as ordered.</source>
            <translation>{ref} 余下的货不会来了吗？结单后它不再算作已订货。</translation>
        </message>
        <message>
            <source>{ref} is now {status}.</source>
            <translation>{ref} 现为{status}。</translation>
        </message>
        <message>
            <source>Send {ref} to {supplier} for {total}?</source>
            <translation>把 {ref} 发给 {supplier}，金额 {total}？</translation>
        </message>
        <message>
            <source>Sending {ref}…</source>
            <translation>正在发送 {ref}…</translation>
        </message>
        <message>
            <source>{ref} is with {supplier} as order {id} ({status}).</source>
            <translation>{ref} 已提交给 {supplier}，对方单号 {id}（{status}）。</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF（*.pdf）</translation>
        </message>
        <message>
            <source>Excel (*.xlsx)</source>
            <translation>Excel（*.xlsx）</translation>
        </message>
        <message>
            <source>Written: {file}</source>
            <translation>已写入：{file}</translation>
        </message>
        <message>
            <source>The order is on the clipboard: paste it into WeChat for {supplier}.</source>
            <translation>订单已复制到剪贴板：请粘贴到与 {supplier} 的微信对话中。</translation>
        </message>
        <message>
            <source>Purchase orders</source>
            <translation>采购单</translation>
        </message>
        <message>
            <source>Export order</source>
            <translation>导出订单</translation>
        </message>
    </context>
    <context>
        <name>PayBox</name>
        <message>
            <source>Cash received (Enter = exact amount)</source>
            <translation>实收现金（直接回车 = 金额正好）</translation>
        </message>
        <message>
            <source>Exact</source>
            <translation>正好</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>找零</translation>
        </message>
        <message>
            <source>Confirm (Enter)</source>
            <translation>确认 (Enter)</translation>
        </message>
        <message>
            <source>Back (Esc)</source>
            <translation>返回 (Esc)</translation>
        </message>
        <message>
            <source>Still due</source>
            <translation>还差</translation>
        </message>
    </context>
    <context>
        <name>PlaceholderPage</name>
        <message>
            <source>Coming in a later version of Shop Desk.</source>
            <translation>将在 Shop Desk 的后续版本中推出。</translation>
        </message>
    </context>
    <context>
        <name>PrintDialog</name>
        <message>
            <source>Print…</source>
            <translation>打印…</translation>
        </message>
        <message>
            <source>Save as PDF…</source>
            <translation>保存为 PDF…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Sent to the printer.</source>
            <translation>已发送到打印机。</translation>
        </message>
        <message>
            <source>Save as PDF</source>
            <translation>保存为 PDF</translation>
        </message>
        <message>
            <source>Saved {file}</source>
            <translation>已保存 {file}</translation>
        </message>
    </context>
    <context>
        <name>ProductEditor</name>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>保存（Ctrl+S）</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>e.g. 500ml, 1.25L, 100g</source>
            <translation>如 500ml、1.25L、100g</translation>
        </message>
        <message>
            <source>For loose goods without a barcode</source>
            <translation>用于没有条码的散装商品</translation>
        </message>
        <message>
            <source>On sale (uncheck to archive)</source>
            <translation>在售（取消勾选即停用）</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>规格</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>分类</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>Retail price (¥)</source>
            <translation>零售价（元）</translation>
        </message>
        <message>
            <source>Starting cost (¥ per unit)</source>
            <translation>初始成本（元/单位）</translation>
        </message>
        <message>
            <source>Short code</source>
            <translation>自编码</translation>
        </message>
        <message>
            <source>Barcodes (item and case)</source>
            <translation>条码（单品和整箱）</translation>
        </message>
        <message>
            <source>Add barcode</source>
            <translation>添加条码</translation>
        </message>
        <message>
            <source>Shelf life and reorder</source>
            <translation>保质期与补货</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>How often a customer should find it on the shelf (97% is usual)</source>
            <translation>顾客能在货架上买到的概率（通常为 97%）</translation>
        </message>
        <message>
            <source>At or below this quantity the product is shown as low stock</source>
            <translation>库存不高于此数量时显示为库存不足</translation>
        </message>
        <message>
            <source>Shelf life</source>
            <translation>保质期</translation>
        </message>
        <message>
            <source>Target service level</source>
            <translation>目标服务水平</translation>
        </message>
        <message>
            <source>Review every</source>
            <translation>检查周期</translation>
        </message>
        <message>
            <source>Shelf capacity</source>
            <translation>货架容量</translation>
        </message>
        <message>
            <source>Minimum display quantity</source>
            <translation>最低陈列量</translation>
        </message>
        <message>
            <source>not set</source>
            <translation>未设置</translation>
        </message>
        <message>
            <source>New product</source>
            <translation>新建商品</translation>
        </message>
        <message>
            <source>Edit product: {name}</source>
            <translation>编辑商品：{name}</translation>
        </message>
        <message>
            <source>On hand: {qty} {unit} · average cost {cost}</source>
            <translation>库存：{qty} {unit} · 平均成本 {cost}</translation>
        </message>
        <message>
            <source>The cost now follows the goods received.</source>
            <translation>有库存后，成本按入库价格计算。</translation>
        </message>
        <message>
            <source>piece</source>
            <translation>个</translation>
        </message>
        <message>
            <source>bottle</source>
            <translation>瓶</translation>
        </message>
        <message>
            <source>can</source>
            <translation>罐</translation>
        </message>
        <message>
            <source>bag</source>
            <translation>袋</translation>
        </message>
        <message>
            <source>box</source>
            <translation>盒</translation>
        </message>
        <message>
            <source>pack</source>
            <translation>包</translation>
        </message>
        <message>
            <source>carton</source>
            <translation>条</translation>
        </message>
        <message>
            <source>jin</source>
            <translation>斤</translation>
        </message>
        <message>
            <source>kg</source>
            <translation>千克</translation>
        </message>
        <message>
            <source>Note: {price} is an unusually high price; check it.</source>
            <translation>注意：{price} 的售价异常高，请核对。</translation>
        </message>
        <message>
            <source>Note: the price is below the cost.</source>
            <translation>注意：售价低于成本。</translation>
        </message>
        <message>
            <source>Please correct the fields marked in red.</source>
            <translation>请修改标红的项目。</translation>
        </message>
    </context>
    <context>
        <name>ProductPicker</name>
        <message>
            <source>Scan a barcode, or type pinyin initials, a name or a short code</source>
            <translation>扫描条码，或输入拼音首字母、名称、自编码</translation>
        </message>
        <message>
            <source>{name} (on hand {qty} {unit})</source>
            <translation>{name}（库存 {qty} {unit}）</translation>
        </message>
        <message>
            <source>Nothing matches “{text}”.</source>
            <translation>没有找到“{text}”。</translation>
        </message>
    </context>
    <context>
        <name>ReceiptPrintDialog</name>
        <message>
            <source>Print receipt</source>
            <translation>打印小票</translation>
        </message>
        <message>
            <source>58 mm paper</source>
            <translation>58 毫米小票纸</translation>
        </message>
        <message>
            <source>80 mm paper</source>
            <translation>80 毫米小票纸</translation>
        </message>
        <message>
            <source>Receipt printer</source>
            <translation>小票打印机</translation>
        </message>
    </context>
    <context>
        <name>ReceiveDialog</name>
        <message>
            <source>Receive stock</source>
            <translation>入库</translation>
        </message>
        <message>
            <source>No product chosen yet.</source>
            <translation>尚未选择商品。</translation>
        </message>
        <message>
            <source>Total cost</source>
            <translation>总金额</translation>
        </message>
        <message>
            <source>Cost per unit or pack</source>
            <translation>单价（每单位或每箱）</translation>
        </message>
        <message>
            <source>Expires on</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Cost (¥)</source>
            <translation>进价（元）</translation>
        </message>
        <message>
            <source>Expiry</source>
            <translation>保质期至</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Receive</source>
            <translation>入库</translation>
        </message>
        <message>
            <source>{name} · on hand {qty} {unit} · average cost {cost}</source>
            <translation>{name} · 库存 {qty} {unit} · 平均成本 {cost}</translation>
        </message>
        <message>
            <source>units</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>packs of {n}</source>
            <translation>箱（每箱 {n}）</translation>
        </message>
        <message>
            <source>Adds {units} {unit} for {total} ({each} per {unit}).</source>
            <translation>入库 {units} {unit}，共 {total}（每{unit} {each}）。</translation>
        </message>
        <message>
            <source>Scan or search the product first.</source>
            <translation>请先扫描或搜索商品。</translation>
        </message>
    </context>
    <context>
        <name>ReceiveOrderDialog</name>
        <message>
            <source>Receive {title}</source>
            <translation>收货 {title}</translation>
        </message>
        <message>
            <source>Count what arrived. Quantities are in the shop's units; change the price if the delivery note says another.</source>
            <translation>请清点到货。数量按本店的单位计；如送货单上的价格不同，请修改价格。</translation>
        </message>
        <message>
            <source>Item no.</source>
            <translation>货号</translation>
        </message>
        <message>
            <source>Item</source>
            <translation>品名</translation>
        </message>
        <message>
            <source>Ordered</source>
            <translation>订购</translation>
        </message>
        <message>
            <source>Received</source>
            <translation>已收</translation>
        </message>
        <message>
            <source>Still to come</source>
            <translation>待到货</translation>
        </message>
        <message>
            <source>Arrived now</source>
            <translation>本次到货</translation>
        </message>
        <message>
            <source>Price per pack (¥)</source>
            <translation>每件价格（¥）</translation>
        </message>
        <message>
            <source>Receive</source>
            <translation>入库</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>{n} per pack</source>
            <translation>每件 {n} 个</translation>
        </message>
        <message>
            <source>Receiving {units} units, about {value} before member discount.</source>
            <translation>本次收货 {units} 个，会员折扣前约 {value}。</translation>
        </message>
        <message>
            <source>More than ordered</source>
            <translation>超过订购数量</translation>
        </message>
        <message>
            <source>More arrived than is still to come for {skus}. Receive it all?</source>
            <translation>{skus} 的到货超过了待收数量。全部收下吗？</translation>
        </message>
    </context>
    <context>
        <name>ReorderPage</name>
        <message>
            <source>products at or below their minimum</source>
            <translation>低于陈列下限的商品</translation>
        </message>
        <message>
            <source>today's suggested orders</source>
            <translation>今日建议进货额</translation>
        </message>
        <message>
            <source>price drops on your products (30 days)</source>
            <translation>在售商品降价（30 天内）</translation>
        </message>
        <message>
            <source>spent with suppliers this month</source>
            <translation>本月采购额</translation>
        </message>
        <message>
            <source>Budget today:</source>
            <translation>今日预算：</translation>
        </message>
        <message>
            <source>no limit</source>
            <translation>不限</translation>
        </message>
        <message>
            <source>Suggest again</source>
            <translation>重新计算</translation>
        </message>
        <message>
            <source>Remove line</source>
            <translation>删除此行</translation>
        </message>
        <message>
            <source>Create purchase orders</source>
            <translation>生成采购单</translation>
        </message>
        <message>
            <source>Working out today's orders…</source>
            <translation>正在计算今日补货…</translation>
        </message>
        <message>
            <source>Nothing to order today.</source>
            <translation>今天不用进货。</translation>
        </message>
        <message>
            <source>{count} lines</source>
            <translation>共 {count} 行</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt;: {lines} lines, total {total}</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;：{lines} 行，合计 {total}</translation>
        </message>
        <message>
            <source>shipping {fee}</source>
            <translation>运费 {fee}</translation>
        </message>
        <message>
            <source>{amount} more ships free</source>
            <translation>再买 {amount} 包邮</translation>
        </message>
        <message>
            <source>free shipping</source>
            <translation>包邮</translation>
        </message>
        <message>
            <source>month's spend {before} → {after}</source>
            <translation>本月采购 {before} → {after}</translation>
        </message>
        <message>
            <source>member discount {pct}%</source>
            <translation>会员折扣 {pct}%</translation>
        </message>
        <message>
            <source>{missing} more this month reaches the next tier (saves {saving} here)</source>
            <translation>本月再采购 {missing} 可升下一级会员（本单可省 {saving}）</translation>
        </message>
        <message>
            <source>{first}; {second}</source>
            <translation>{first}；{second}</translation>
        </message>
        <message>
            <source>{count} draft purchase orders created.</source>
            <translation>已生成 {count} 张采购单草稿。</translation>
        </message>
        <message>
            <source>Purchase orders not created</source>
            <translation>采购单未生成</translation>
        </message>
    </context>
    <context>
        <name>ReorderSection</name>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>no limit</source>
            <translation>不限</translation>
        </message>
        <message>
            <source>Service level (new products)</source>
            <translation>服务水平（新商品）</translation>
        </message>
        <message>
            <source>Review every (new products)</source>
            <translation>检查周期（新商品）</translation>
        </message>
        <message>
            <source>Holding cost per year</source>
            <translation>每年持有成本</translation>
        </message>
        <message>
            <source>Daily order budget</source>
            <translation>每日订货预算</translation>
        </message>
        <message>
            <source>The service level is the share of days a product should not run out. A product's own settings win over these.</source>
            <translation>服务水平是商品不断货的天数比例。商品自己的设置优先于这里。</translation>
        </message>
    </context>
    <context>
        <name>ReportsPage</name>
        <message>
            <source>Sales</source>
            <translation>销售额</translation>
        </message>
        <message>
            <source>Top sellers</source>
            <translation>畅销商品</translation>
        </message>
        <message>
            <source>Gross margin</source>
            <translation>毛利</translation>
        </message>
        <message>
            <source>Stock value</source>
            <translation>库存金额</translation>
        </message>
        <message>
            <source>Slow movers</source>
            <translation>滞销品</translation>
        </message>
        <message>
            <source>Stock-outs</source>
            <translation>断货</translation>
        </message>
        <message>
            <source>Purchases</source>
            <translation>采购</translation>
        </message>
        <message>
            <source>Last 7 days</source>
            <translation>最近 7 天</translation>
        </message>
        <message>
            <source>Last 30 days</source>
            <translation>最近 30 天</translation>
        </message>
        <message>
            <source>This month</source>
            <translation>本月</translation>
        </message>
        <message>
            <source>Last month</source>
            <translation>上月</translation>
        </message>
        <message>
            <source>Last 12 weeks</source>
            <translation>最近 12 周</translation>
        </message>
        <message>
            <source>Last 12 months</source>
            <translation>最近 12 个月</translation>
        </message>
        <message>
            <source>This year</source>
            <translation>今年</translation>
        </message>
        <message>
            <source>Custom</source>
            <translation>自定义</translation>
        </message>
        <message>
            <source>By day</source>
            <translation>按日</translation>
        </message>
        <message>
            <source>By week</source>
            <translation>按周</translation>
        </message>
        <message>
            <source>By month</source>
            <translation>按月</translation>
        </message>
        <message>
            <source>Export to Excel…</source>
            <translation>导出 Excel…</translation>
        </message>
        <message>
            <source>Every report of this period, one sheet each</source>
            <translation>导出这个期间的全部报表，每份报表一个工作表</translation>
        </message>
        <message>
            <source>Period</source>
            <translation>期间</translation>
        </message>
        <message>
            <source>Gross profit</source>
            <translation>毛利</translation>
        </message>
        <message>
            <source>Stock value at cost</source>
            <translation>库存成本金额</translation>
        </message>
        <message>
            <source>Cash in slow movers</source>
            <translation>滞销品占用资金</translation>
        </message>
        <message>
            <source>Sales lost to stock-outs (est.)</source>
            <translation>断货少卖（估）</translation>
        </message>
        <message>
            <source>No sales in this period.</source>
            <translation>这个期间没有销售。</translation>
        </message>
        <message>
            <source>by sales</source>
            <translation>按销售额</translation>
        </message>
        <message>
            <source>by units</source>
            <translation>按销量</translation>
        </message>
        <message>
            <source>by gross profit</source>
            <translation>按毛利</translation>
        </message>
        <message>
            <source>Nothing sold in this period.</source>
            <translation>这个期间没有卖出商品。</translation>
        </message>
        <message>
            <source>Rank</source>
            <translation>排名</translation>
        </message>
        <message>
            <source>No stock on the books.</source>
            <translation>账上没有库存。</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>No slow movers: everything in stock sold lately.</source>
            <translation>没有滞销品：有库存的商品最近都卖出过。</translation>
        </message>
        <message>
            <source>No sale in</source>
            <translation>未卖出已超过</translation>
        </message>
        <message>
            <source>Nothing ran out in this period.</source>
            <translation>这个期间没有断货。</translation>
        </message>
        <message>
            <source>No purchase orders were sent in this period.</source>
            <translation>这个期间没有发出采购单。</translation>
        </message>
        <message>
            <source>Reading the figures…</source>
            <translation>正在读取数据…</translation>
        </message>
        <message>
            <source>Figures of {period}.</source>
            <translation>{period} 的数据。</translation>
        </message>
        <message>
            <source>Same period last year</source>
            <translation>去年同期</translation>
        </message>
        <message>
            <source>Others</source>
            <translation>其他</translation>
        </message>
        <message>
            <source>nothing to compare last year</source>
            <translation>去年同期没有可比的数据</translation>
        </message>
        <message>
            <source>{change} against last year</source>
            <translation>比去年同期 {change}</translation>
        </message>
        <message>
            <source>margin {margin}</source>
            <translation>毛利率 {margin}</translation>
        </message>
        <message>
            <source>{n} products in stock</source>
            <translation>{n} 种商品有库存</translation>
        </message>
        <message>
            <source>{what}, no sale in {days} days</source>
            <translation>{what}，{days} 天没有卖出</translation>
        </message>
        <message>
            <source>reports {first} to {last}.xlsx</source>
            <translation>报表 {first} 至 {last}.xlsx</translation>
        </message>
        <message>
            <source>Export to Excel</source>
            <translation>导出 Excel</translation>
        </message>
        <message>
            <source>Exporting…</source>
            <translation>正在导出…</translation>
        </message>
        <message>
            <source>Saved {file}</source>
            <translation>已保存 {file}</translation>
        </message>
    </context>
    <context>
        <name>SaleReturnDialog</name>
        <message>
            <source>Returns and voids</source>
            <translation>退货与作废</translation>
        </message>
        <message>
            <source>Sale number</source>
            <translation>销售单号</translation>
        </message>
        <message>
            <source>Recent sales — choose one, or type its number:</source>
            <translation>最近的销售单——选择一单，或输入单号：</translation>
        </message>
        <message>
            <source>No.</source>
            <translation>单号</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Items</source>
            <translation>件数</translation>
        </message>
        <message>
            <source>Total</source>
            <translation>合计</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Lines of the chosen sale — how many come back:</source>
            <translation>所选销售单的明细——退回多少：</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Sold</source>
            <translation>已售</translation>
        </message>
        <message>
            <source>Returned</source>
            <translation>已退</translation>
        </message>
        <message>
            <source>Return now</source>
            <translation>本次退回</translation>
        </message>
        <message>
            <source>Refund</source>
            <translation>退款</translation>
        </message>
        <message>
            <source>Return chosen items</source>
            <translation>退回所选商品</translation>
        </message>
        <message>
            <source>Void whole sale</source>
            <translation>整单作废</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>voided</source>
            <translation>已作废</translation>
        </message>
        <message>
            <source>partly returned</source>
            <translation>部分退货</translation>
        </message>
        <message>
            <source>Type the sale number shown on the receipt.</source>
            <translation>请输入小票上的销售单号。</translation>
        </message>
        <message>
            <source>There is no sale number {id}.</source>
            <translation>没有单号为 {id} 的销售单。</translation>
        </message>
        <message>
            <source>Refund: {amount}</source>
            <translation>退款：{amount}</translation>
        </message>
        <message>
            <source>Take back {n} items of sale {id} and refund {amount}?</source>
            <translation>收回销售单 {id} 的 {n} 件商品并退款 {amount} 吗？</translation>
        </message>
        <message>
            <source>Return items</source>
            <translation>退货</translation>
        </message>
        <message>
            <source>Void sale {id}: everything not yet returned goes back on the shelf and {amount} is refunded?</source>
            <translation>作废销售单 {id}：尚未退回的商品全部放回货架，并退款 {amount}？</translation>
        </message>
        <message>
            <source>Void sale</source>
            <translation>作废销售单</translation>
        </message>
        <message>
            <source>Sale {id}: {amount} refunded, goods back in stock.</source>
            <translation>销售单 {id}：已退款 {amount}，商品已退回库存。</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <source>Language</source>
            <translation>语言</translation>
        </message>
        <message>
            <source>Follow the system</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <source>A new language is used from the next start.</source>
            <translation>新的语言将在下次启动时生效。</translation>
        </message>
        <message>
            <source>Shop</source>
            <translation>店铺</translation>
        </message>
        <message>
            <source>e.g. Corner Shop</source>
            <translation>例如：幸福便利店</translation>
        </message>
        <message>
            <source>Shop name</source>
            <translation>店名</translation>
        </message>
        <message>
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <source>Stock</source>
            <translation>库存</translation>
        </message>
        <message>
            <source> days</source>
            <translation> 天</translation>
        </message>
        <message>
            <source>Warn about expiry within</source>
            <translation>临期提醒提前</translation>
        </message>
        <message>
            <source>Reorder defaults</source>
            <translation>补货默认值</translation>
        </message>
        <message>
            <source>Data folder</source>
            <translation>数据文件夹</translation>
        </message>
        <message>
            <source>Database</source>
            <translation>数据库</translation>
        </message>
        <message>
            <source>Backups</source>
            <translation>备份</translation>
        </message>
        <message>
            <source>Wholesale catalog sources</source>
            <translation>批发货源</translation>
        </message>
        <message>
            <source>Save (Ctrl+S)</source>
            <translation>保存（Ctrl+S）</translation>
        </message>
        <message>
            <source>Restart now</source>
            <translation>立即重新启动</translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>设置已保存。</translation>
        </message>
        <message>
            <source>Restart Shop Desk to see the new language.</source>
            <translation>重新启动 Shop Desk 后即可看到新的语言。</translation>
        </message>
        <message>
            <source>Restart Shop Desk to open the other database.</source>
            <translation>重新启动 Shop Desk 以打开另一个数据库。</translation>
        </message>
        <message>
            <source>Nothing was saved: {error}</source>
            <translation>没有保存任何内容：{error}</translation>
        </message>
    </context>
    <context>
        <name>SourcesPanel</name>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>Where</source>
            <translation>位置</translation>
        </message>
        <message>
            <source>Offers</source>
            <translation>商品数</translation>
        </message>
        <message>
            <source>Last good sync / problem</source>
            <translation>上次成功同步 / 问题</translation>
        </message>
        <message>
            <source>Add…</source>
            <translation>添加…</translation>
        </message>
        <message>
            <source>Remove</source>
            <translation>删除</translation>
        </message>
        <message>
            <source>Sync now</source>
            <translation>立即同步</translation>
        </message>
        <message>
            <source>web feed</source>
            <translation>网络货源</translation>
        </message>
        <message>
            <source>feed folder</source>
            <translation>货源文件夹</translation>
        </message>
        <message>
            <source>price list</source>
            <translation>价格表</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>Remove source</source>
            <translation>删除货源</translation>
        </message>
        <message>
            <source>Remove {name} and its {n} offers from this shop's copy? Links to your products are removed too.</source>
            <translation>从本店数据中删除「{name}」及其 {n} 个商品？与本店商品的关联也会一并删除。</translation>
        </message>
    </context>
    <context>
        <name>StockCountDialog</name>
        <message>
            <source>Stock count #{id}, started {time}</source>
            <translation>盘点 #{id}，开始于 {time}</translation>
        </message>
        <message>
            <source>Scan or search a product, then type what is there.</source>
            <translation>扫描或搜索商品，然后输入实际数量。</translation>
        </message>
        <message>
            <source>Record</source>
            <translation>记录</translation>
        </message>
        <message>
            <source>Counted</source>
            <translation>实盘</translation>
        </message>
        <message>
            <source>Apply count…</source>
            <translation>确认盘点…</translation>
        </message>
        <message>
            <source>Cancel count…</source>
            <translation>放弃盘点…</translation>
        </message>
        <message>
            <source>Close (continue later)</source>
            <translation>关闭（稍后继续）</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>On the books</source>
            <translation>账面</translation>
        </message>
        <message>
            <source>Variance</source>
            <translation>差异</translation>
        </message>
        <message>
            <source>Unit cost</source>
            <translation>单位成本</translation>
        </message>
        <message>
            <source>Variance value</source>
            <translation>差异金额</translation>
        </message>
        <message>
            <source>{name}: the books say {qty} {unit}.</source>
            <translation>{name}：账面 {qty} {unit}。</translation>
        </message>
        <message>
            <source>Already counted: {qty} (typing replaces it).</source>
            <translation>已盘：{qty}（重新输入将替换）。</translation>
        </message>
        <message>
            <source>{n} products counted, {d} differ · variance {units} units, {value}</source>
            <translation>已盘 {n} 个商品，{d} 个有差异 · 差异 {units} 个单位，{value}</translation>
        </message>
        <message>
            <source>Apply this count? {d} products change, {units} units in all; the stock value changes by {value}. The books then match the shelf.</source>
            <translation>确认本次盘点？{d} 个商品有差异，共 {units} 个单位；库存金额变化 {value}。确认后账面与货架一致。</translation>
        </message>
        <message>
            <source>Apply stock count</source>
            <translation>确认盘点</translation>
        </message>
        <message>
            <source>Throw this count away? The stock stays as it is on the books.</source>
            <translation>放弃本次盘点？库存保持账面数量不变。</translation>
        </message>
        <message>
            <source>Cancel stock count</source>
            <translation>放弃盘点</translation>
        </message>
    </context>
    <context>
        <name>StockDialog</name>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>StockPage</name>
        <message>
            <source>Low stock</source>
            <translation>库存不足</translation>
        </message>
        <message>
            <source>Near expiry</source>
            <translation>临期</translation>
        </message>
        <message>
            <source>New product</source>
            <translation>新建商品</translation>
        </message>
        <message>
            <source>Edit</source>
            <translation>编辑</translation>
        </message>
        <message>
            <source>Receive stock</source>
            <translation>入库</translation>
        </message>
        <message>
            <source>Write off</source>
            <translation>报损</translation>
        </message>
        <message>
            <source>Stock count</source>
            <translation>盘点</translation>
        </message>
        <message>
            <source>Import…</source>
            <translation>导入…</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <source>Archive</source>
            <translation>停用</translation>
        </message>
        <message>
            <source>Print labels…</source>
            <translation>打印价签…</translation>
        </message>
        <message>
            <source>Search: pinyin initials, name, barcode or short code (Ctrl+F)</source>
            <translation>搜索：拼音首字母、名称、条码或自编码（Ctrl+F）</translation>
        </message>
        <message>
            <source>Low stock only</source>
            <translation>只看库存不足</translation>
        </message>
        <message>
            <source>Near expiry only</source>
            <translation>只看临期</translation>
        </message>
        <message>
            <source>Show archived</source>
            <translation>显示已停用</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>规格</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>分类</translation>
        </message>
        <message>
            <source>Barcodes</source>
            <translation>条码</translation>
        </message>
        <message>
            <source>On hand</source>
            <translation>库存</translation>
        </message>
        <message>
            <source>Unit</source>
            <translation>单位</translation>
        </message>
        <message>
            <source>Price</source>
            <translation>售价</translation>
        </message>
        <message>
            <source>Avg. cost</source>
            <translation>平均成本</translation>
        </message>
        <message>
            <source>Stock value</source>
            <translation>库存金额</translation>
        </message>
        <message>
            <source>Next expiry</source>
            <translation>最近到期</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Expires</source>
            <translation>到期日</translation>
        </message>
        <message>
            <source>Days left</source>
            <translation>剩余天数</translation>
        </message>
        <message>
            <source>Quantity left</source>
            <translation>剩余数量</translation>
        </message>
        <message>
            <source>Write off lot…</source>
            <translation>报损此批次…</translation>
        </message>
        <message>
            <source>Near expiry: a lot expires {date}</source>
            <translation>临期：有批次于 {date} 到期</translation>
        </message>
        <message>
            <source>Low stock: {qty} on hand, minimum display {min}</source>
            <translation>库存不足：现有 {qty}，最低陈列量 {min}</translation>
        </message>
        <message>
            <source>All categories</source>
            <translation>全部分类</translation>
        </message>
        <message>
            <source>(no category)</source>
            <translation>（未分类）</translation>
        </message>
        <message>
            <source>Lots expiring within {days} days: {n}</source>
            <translation>{days} 天内到期的批次：{n}</translation>
        </message>
        <message>
            <source>{shown} of {total} products</source>
            <translation>显示 {shown} / 共 {total} 个商品</translation>
        </message>
        <message>
            <source>Restore</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>Archive {name}? It leaves the counter's search and this list (tick “Show archived” to see it); its history is kept.</source>
            <translation>停用“{name}”？它将不再出现在收银搜索和本列表中（勾选“显示已停用”可查看），历史记录保留。</translation>
        </message>
        <message>
            <source>Archive product</source>
            <translation>停用商品</translation>
        </message>
    </context>
    <context>
        <name>SyncReportDialog</name>
        <message>
            <source>Catalog sync report</source>
            <translation>货源同步报告</translation>
        </message>
        <message>
            <source>There are no sources to sync.</source>
            <translation>没有可同步的货源。</translation>
        </message>
        <message>
            <source>{name}: failed: {error}</source>
            <translation>{name}：失败：{error}</translation>
        </message>
        <message>
            <source>{name}: already up to date.</source>
            <translation>{name}：已是最新。</translation>
        </message>
        <message>
            <source>{name}: cancelled; files already applied are kept (now at version {seq}).</source>
            <translation>{name}：已取消；已应用的文件保留（当前第 {seq} 版）。</translation>
        </message>
        <message>
            <source>{name}: now at version {seq}: {upserts} offers new or changed, {deletes} removed, {prices} price changes, {links} new links.</source>
            <translation>{name}：已更新到第 {seq} 版：新增或变更 {upserts} 个商品，删除 {deletes} 个，{prices} 个价格变动，新关联 {links} 个。</translation>
        </message>
        <message>
            <source>  {n} records were rejected and not applied:</source>
            <translation>  有 {n} 条记录被拒收，未应用：</translation>
        </message>
        <message>
            <source>    {file}, line {line}: {why}</source>
            <translation>    {file} 第 {line} 行：{why}</translation>
        </message>
    </context>
    <context>
        <name>WriteOffDialog</name>
        <message>
            <source>Write off stock</source>
            <translation>报损</translation>
        </message>
        <message>
            <source>Expired</source>
            <translation>过期</translation>
        </message>
        <message>
            <source>Damaged</source>
            <translation>损坏</translation>
        </message>
        <message>
            <source>Lost or stolen</source>
            <translation>丢失</translation>
        </message>
        <message>
            <source>Other</source>
            <translation>其他</translation>
        </message>
        <message>
            <source>No product chosen yet.</source>
            <translation>尚未选择商品。</translation>
        </message>
        <message>
            <source>Product</source>
            <translation>商品</translation>
        </message>
        <message>
            <source>Quantity</source>
            <translation>数量</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>From lot</source>
            <translation>批次</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Write off</source>
            <translation>报损</translation>
        </message>
        <message>
            <source>{name} · on hand {qty} {unit}</source>
            <translation>{name} · 库存 {qty} {unit}</translation>
        </message>
        <message>
            <source>Oldest first (automatic)</source>
            <translation>先到期先出（自动）</translation>
        </message>
        <message>
            <source>Expires {date}, {qty} left</source>
            <translation>{date} 到期，剩 {qty}</translation>
        </message>
        <message>
            <source>Received {date}, {qty} left</source>
            <translation>{date} 入库，剩 {qty}</translation>
        </message>
        <message>
            <source>Leaves the books at about {value} (average cost).</source>
            <translation>按平均成本约减少库存金额 {value}。</translation>
        </message>
        <message>
            <source>More than the books show on hand ({qty}).</source>
            <translation>超过账面库存（{qty}）。</translation>
        </message>
        <message>
            <source>The rest comes from the oldest other lots.</source>
            <translation>超出部分从其他最早的批次扣减。</translation>
        </message>
        <message>
            <source>Scan or search the product first.</source>
            <translation>请先扫描或搜索商品。</translation>
        </message>
    </context>
    <context>
        <name>parent</name>
        <message>
            <source>Export products</source>
            <translation>导出商品</translation>
        </message>
        <message>
            <source>Export is not available yet.</source>
            <translation>暂不支持导出。</translation>
        </message>
    </context>
</TS>
